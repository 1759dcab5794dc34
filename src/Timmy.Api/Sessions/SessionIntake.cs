using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

public enum SessionIntakeStatus
{
    Invoiced,
    SessionNotFound,
    NotTopupable,
    TopupPending,
    BackendUnavailable,
}

/// <summary>
/// How asking for sats ended: the invoice to pay (and its session), or why there is none. A refused top-up because one
/// is pending names that pending invoice, so a 402 challenge can offer it again.
/// </summary>
public sealed record SessionIntakeOutcome(SessionIntakeStatus Status, string? Error, Guid SessionId = default, Invoice? Invoice = null);

/// <summary>
/// The money coming in: opens a session awaiting its deposit, and issues top-ups. Each asks the node for an invoice
/// before writing anything, so a node that is down leaves nothing half-made; the payment is credited later by
/// <see cref="SessionAdvancer"/>.
/// </summary>
public sealed class SessionIntake(
    TimmyDbContext db, SessionAdvancer advancer, IPaymentBackend payments, IOptions<JobOptions> jobOptions, TimeProvider clock,
    PublicFailures failures)
{
    public const string TopupAlreadyPending = "A top-up is already pending for this session; pay it first";

    /// <param name="bolt11">Ask even the stub node for real BOLT11 (a 402 challenge's invoice; see <see cref="InvoiceRequest"/>).</param>
    public async Task<SessionIntakeOutcome> OpenAsync(long amountSats, CancellationToken cancellationToken, bool bolt11 = false)
    {
        var sessionId = Guid.NewGuid();
        var (created, unavailable) = await CreateInvoiceAsync(amountSats, "Timmy session deposit", bolt11, cancellationToken);
        if (created is null)
        {
            return new(SessionIntakeStatus.BackendUnavailable, unavailable);
        }

        var now = clock.GetUtcNow();
        var invoice = NewInvoice(sessionId, InvoiceKind.SessionDeposit, created, amountSats, now);
        db.Sessions.Add(Session.Open(sessionId, invoice, now));
        await db.SaveChangesAsync(cancellationToken);
        return new(SessionIntakeStatus.Invoiced, null, sessionId, invoice);
    }

    public async Task<SessionIntakeOutcome> TopupAsync(Guid sessionId, long amountSats, CancellationToken cancellationToken, bool bolt11 = false)
    {
        var session = await advancer.AdvanceAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return new(SessionIntakeStatus.SessionNotFound, SessionsApi.SessionNotFound);
        }

        if (session.State is not (SessionState.Active or SessionState.Paused))
        {
            return new(SessionIntakeStatus.NotTopupable,
                $"Session is {session.State.ToWireName()}; only an active or paused session can be topped up");
        }

        // A pending top-up blocks another until it is paid or its invoice lapses; a lapsed one is replaced.
        var replaced = session.PendingTopupInvoiceId;
        if (session.PendingTopup is { } pending && pending.CreatedAt + jobOptions.Value.InvoiceExpiry > clock.GetUtcNow())
        {
            return new(SessionIntakeStatus.TopupPending, TopupAlreadyPending, sessionId, pending);
        }

        var (created, unavailable) = await CreateInvoiceAsync(amountSats, "Timmy session top-up", bolt11, cancellationToken);
        if (created is null)
        {
            return new(SessionIntakeStatus.BackendUnavailable, unavailable);
        }

        var invoice = NewInvoice(sessionId, InvoiceKind.SessionTopup, created, amountSats, clock.GetUtcNow());
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(cancellationToken);
        // Only one top-up may be pending: the first request to fill (or refill) the slot wins.
        if (!await Session.ClaimTopupSlot(replaced, invoice.Id).ApplyAsync(db, sessionId, cancellationToken))
        {
            return new(SessionIntakeStatus.TopupPending, TopupAlreadyPending);
        }

        await transaction.CommitAsync(cancellationToken);
        return new(SessionIntakeStatus.Invoiced, null, sessionId, invoice);
    }

    private async Task<(CreatedInvoice? Created, string? Unavailable)> CreateInvoiceAsync(long sats, string memo, bool bolt11, CancellationToken cancellationToken)
    {
        try
        {
            return (await payments.CreateInvoiceAsync(new InvoiceRequest(sats, memo, jobOptions.Value.InvoiceExpiry, bolt11), cancellationToken), null);
        }
        catch (PaymentBackendException ex)
        {
            return (null, failures.Describe("Lightning backend unavailable", ex));
        }
    }

    private static Invoice NewInvoice(Guid sessionId, InvoiceKind kind, CreatedInvoice created, long sats, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        SessionId = sessionId,
        Kind = kind,
        PaymentHash = created.PaymentHash,
        PaymentRequest = created.PaymentRequest,
        AmountSats = sats,
        CreatedAt = now,
    };
}
