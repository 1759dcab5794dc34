using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Data;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>
/// Notices payments. When a job's invoice turns out to be paid, the one caller that wins the move to
/// evaluating or executing (see <see cref="JobTransitions"/>) wakes the <see cref="JobWorker"/>, which
/// makes the model call in the background. Polls, the invoice watcher and the events stream all come
/// through here, and none of them waits on a model.
/// </summary>
public sealed partial class JobAdvancer(
    TimmyDbContext db,
    JobTransitions transitions,
    IPaymentBackend payments,
    JobWorkSignal workSignal,
    TimeProvider clock,
    ILogger<JobAdvancer> logger)
{
    public async Task<Job?> AdvanceAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await LoadAsync(jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var (invoice, next) = job.State switch
        {
            JobState.AwaitingEvalPayment => (job.EvalInvoice, JobState.Evaluating),
            JobState.AwaitingWorkPayment => (job.WorkInvoice, JobState.Executing),
            _ => (null, job.State),
        };
        if (invoice is null || await PaidAtAsync(invoice, cancellationToken) is not { } paidAt)
        {
            return job;
        }

        // Once the payment is seen, recording it must not depend on the client staying connected.
        if (await transitions.TryMoveOnPaymentAsync(job.Id, invoice, paidAt, job.State, next, CancellationToken.None))
        {
            workSignal.Notify();
        }

        return await LoadAsync(jobId, cancellationToken);
    }

    private Task<Job?> LoadAsync(Guid jobId, CancellationToken cancellationToken) =>
        db.Jobs.AsNoTracking().Include(j => j.Invoices).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);

    /// <summary>When the invoice was paid, asking the node if we have not seen it yet; null while unpaid.</summary>
    private async Task<DateTimeOffset?> PaidAtAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (invoice.PaidAt is { } known)
        {
            return known;
        }

        try
        {
            var status = await payments.GetInvoiceStatusAsync(invoice.PaymentHash, cancellationToken);
            if (status is null)
            {
                LogUnknownInvoice(invoice.PaymentHash);
            }

            return status is { IsPaid: true } ? status.PaidAt ?? clock.GetUtcNow() : null;
        }
        catch (PaymentBackendException ex)
        {
            // Not knowing is not the same as unpaid-forever: leave the job as it is and check on the next poll.
            LogStatusCheckFailed(ex, invoice.PaymentHash);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The Lightning backend does not know invoice {PaymentHash}")]
    private partial void LogUnknownInvoice(string paymentHash);

    [LoggerMessage(LogLevel.Warning, "Could not check invoice {PaymentHash}; will retry on the next poll")]
    private partial void LogStatusCheckFailed(Exception ex, string paymentHash);

}
