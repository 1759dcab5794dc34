using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// Notices payments. When a job's invoice turns out to be paid, the one caller that wins the move to
/// evaluating or executing (see <see cref="JobTransitions"/>) hands the job, leased by that same move, to
/// this instance's <see cref="JobWorker"/>, which makes the model call in the background; when the worker
/// is full the job moves unleased and the worker is woken to claim it. Polls, the invoice watcher and the
/// events stream all come through here, and none of them waits on a model.
/// </summary>
public sealed class JobAdvancer(
    JobReads reads,
    JobTransitions transitions,
    PaymentChecks checks,
    JobWorker worker,
    JobWorkSignal workSignal)
{
    /// <summary>The job after any payment its current invoice has received is recorded; null if there is no such job.</summary>
    public async Task<Job?> AdvanceAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await ReadAsync(jobId, cancellationToken);
        return job is not null && await RecordPaymentAsync(job, cancellationToken) ? await ReadAsync(jobId, cancellationToken) : job;
    }

    /// <summary>Records a payment of the job's current invoice, if the node has one; for callers that need not see the result.</summary>
    public async Task NoticePaymentAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(jobId, cancellationToken) is { } job)
        {
            await RecordPaymentAsync(job, cancellationToken);
        }
    }

    /// <summary>The job as stored, without asking the node about payments.</summary>
    public Task<Job?> ReadAsync(Guid jobId, CancellationToken cancellationToken) => reads.ReadAsync(jobId, cancellationToken);

    /// <summary>True when the current invoice turned out to be paid, so the job has moved on (by this call or another).</summary>
    private async Task<bool> RecordPaymentAsync(Job job, CancellationToken cancellationToken)
    {
        var (invoice, next) = job.State switch
        {
            JobState.AwaitingEvalPayment => (job.EvalInvoice, JobState.Evaluating),
            JobState.AwaitingWorkPayment => (job.WorkInvoice, JobState.Executing),
            _ => (null, job.State),
        };
        if (invoice is null || await checks.PaidAtAsync(invoice, cancellationToken) is not { } paidAt)
        {
            return false;
        }

        // Once the payment is seen, recording it must not depend on the client staying connected.
        using var handoff = worker.TryHandOff();
        if (await transitions.TryMoveOnPaymentAsync(job.Id, invoice, paidAt, job.State, next, handoff?.Lease, CancellationToken.None))
        {
            if (handoff is not null)
            {
                handoff.Start(job.Id);
            }
            else
            {
                workSignal.Notify();
            }
        }

        return true;
    }
}
