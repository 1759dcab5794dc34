using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// Notices payments. When a job's invoice turns out to be paid, the one caller that wins the move to
/// evaluating or executing (see <see cref="JobTransitions"/>) leases the job, by that same move, to this
/// instance's <see cref="JobWorker"/>, which starts the model call in the background (<see cref="JobProcessor"/>);
/// when the worker is full the job moves unleased and the worker is woken to claim it. Polls, the invoice watcher and the
/// events stream all come through here, and none of them waits on a model.
/// </summary>
public sealed class JobAdvancer(
    JobReads reads,
    JobTransitions transitions,
    PaymentChecks checks,
    JobWorker worker)
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
        if (job.PaymentAwaited is not { } awaited || await checks.PaidAtAsync(awaited.Invoice, cancellationToken) is not { } paidAt)
        {
            return false;
        }

        // Once the payment is seen, recording it must not depend on the client staying connected.
        var lease = worker.ReservePlace();
        var won = false;
        try
        {
            won = await transitions.TryMoveOnPaymentAsync(job.Id, awaited.Invoice, paidAt, awaited.Move, lease, CancellationToken.None);
        }
        finally
        {
            worker.AfterPaymentMove(job.Id, lease, won);
        }

        return true;
    }
}
