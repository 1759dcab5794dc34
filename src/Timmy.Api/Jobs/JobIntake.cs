using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

public enum IntakeStatus
{
    Created,
    Replayed,
    KeyReused,
    BackendUnavailable,
}

public sealed record IntakeOutcome(IntakeStatus Status, Job? Job = null, string? Error = null);

/// <summary>
/// Creates a job with its eval invoice, in one transaction. With an <c>Idempotency-Key</c>, a retry of the same
/// request returns the job the first attempt created (even when the two race), and a different request under the
/// same key is refused.
/// </summary>
public sealed class JobIntake(TimmyDbContext db, JobTransitions transitions, IPaymentBackend payments, IOptions<JobOptions> options, TimeProvider clock,
    PublicFailures failures)
{
    public async Task<IntakeOutcome> CreateAsync(string request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var requestHash = IdempotencyKey.HashOf(request);
        if (idempotencyKey is not null && await ReplayAsync(idempotencyKey, requestHash, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var jobId = Guid.NewGuid();
        var evalFee = options.Value.EvalFeeSats;
        CreatedInvoice created;
        try
        {
            created = await payments.CreateInvoiceAsync(
                new InvoiceRequest(evalFee, "Timmy eval fee", options.Value.InvoiceExpiry), cancellationToken);
        }
        catch (PaymentBackendException ex)
        {
            return new(IntakeStatus.BackendUnavailable, Error: failures.Describe("Lightning backend unavailable", ex));
        }

        var now = clock.GetUtcNow();
        var evalInvoice = new Invoice
        {
            Id = Guid.NewGuid(),
            JobId = jobId,
            Kind = InvoiceKind.JobEval,
            PaymentHash = created.PaymentHash,
            PaymentRequest = created.PaymentRequest,
            AmountSats = evalFee,
            CreatedAt = now,
        };
        var job = Job.Create(jobId, request, evalInvoice, now);
        // The job, its invoice and its key are committed together (in a transaction shared with concurrent creates):
        // the job never exists without its invoice.
        var key = idempotencyKey is null ? null : new IdempotencyKey { Key = idempotencyKey, RequestHash = requestHash, JobId = jobId, CreatedAt = now };
        try
        {
            await transitions.CreateAsync(job, key, cancellationToken);
        }
        catch (DbUpdateException ex) when (idempotencyKey is not null && ex.IsUniqueViolationOn(IdempotencyKey.Table))
        {
            // A concurrent retry stored the key first: answer as it did.
            return await ReplayAsync(idempotencyKey, requestHash, cancellationToken) ?? throw new InvalidOperationException("Idempotency key vanished");
        }

        return new(IntakeStatus.Created, job);
    }

    private async Task<IntakeOutcome?> ReplayAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        var stored = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Key == key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        if (stored.RequestHash != requestHash)
        {
            return new(IntakeStatus.KeyReused, Error: $"{IdempotencyKey.Header} '{key}' was already used with a different request");
        }

        var job = await db.Jobs.AsNoTracking().Include(j => j.Invoices).SingleAsync(j => j.Id == stored.JobId, cancellationToken);
        return new(IntakeStatus.Replayed, job);
    }
}
