using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// Notices payments. When a job's invoice turns out to be paid, the one caller that wins the move to
/// evaluating or executing (see <see cref="JobTransitions"/>) wakes the <see cref="JobWorker"/>, which
/// makes the model call in the background. Polls, the invoice watcher and the events stream all come
/// through here, and none of them waits on a model.
/// </summary>
public sealed class JobAdvancer(
    TimmyDbContext db,
    JobTransitions transitions,
    PaymentChecks checks,
    JobWorkSignal workSignal)
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
        if (invoice is null || await checks.PaidAtAsync(invoice, cancellationToken) is not { } paidAt)
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
}
