using Timmy.Api.Data;
using Timmy.Api.Observability;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// The only writer of <see cref="Job.State"/>. Each move is one conditional UPDATE
/// (<c>WHERE id = @id AND state = @from</c>): a row count of 1 means this caller won the move,
/// 0 means another poller or instance got there first. Work follows only a won move. Moves run through
/// <see cref="GroupCommit"/>, so many jobs moving at once share a transaction, and a won move is
/// announced to this instance's event streams once it has committed.
/// </summary>
public sealed class JobTransitions(GroupCommit commits, JobChanges changes, TimeProvider clock, TimmyMetrics metrics)
{
    public async Task<bool> TryMoveAsync(
        Guid jobId, JobState from, JobState to, Action<ConditionalUpdate<Job>>? alsoSet, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var won = await commits.RunAsync(db => MoveAsync(db, jobId, from, to, alsoSet), cancellationToken, LockKey(jobId));
        return Announce(jobId, to, won);
    }

    /// <summary>Makes the move and, only if it was won, adds <paramref name="invoice"/> (the work invoice of a quote), together.</summary>
    public async Task<bool> TryMoveWithInvoiceAsync(
        Guid jobId, JobState from, JobState to, Invoice invoice, Action<ConditionalUpdate<Job>>? alsoSet, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var won = await commits.RunAsync(async db =>
        {
            if (!await MoveAsync(db, jobId, from, to, alsoSet))
            {
                return false;
            }

            await RowInsert.ExecuteAsync(db, invoice, CancellationToken.None);
            return true;
        }, cancellationToken, LockKey(jobId));
        if (won)
        {
            metrics.Invoiced(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return Announce(jobId, to, won);
    }

    /// <summary>
    /// Records an invoice as paid (idempotently) and makes the move, together; with <paramref name="lease"/>, the job
    /// enters its workable state leased on those terms (see <see cref="JobHandoff"/>), otherwise unleased.
    /// </summary>
    public async Task<bool> TryMoveOnPaymentAsync(
        Guid jobId, Invoice invoice, DateTimeOffset paidAt, JobState from, JobState to, LeaseTerms? lease, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var (recorded, won) = await commits.RunAsync(async db =>
        {
            var recorded = await new ConditionalUpdate<Invoice>()
                .SetProperty(i => i.PaidAt, paidAt)
                .Where(i => i.Id, invoice.Id)
                .Where(i => i.PaidAt, null)
                .ExecuteAsync(db, CancellationToken.None) == 1;
            return (recorded, await MoveAsync(db, jobId, from, to, null, lease));
        }, cancellationToken, LockKey(jobId));
        if (recorded)
        {
            metrics.Paid(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return Announce(jobId, to, won);
    }

    /// <summary>
    /// Every move of a job (with the job's invoice it may update) is keyed by the job, so that instances' group commits
    /// lock jobs in one order: many polls of the same paid jobs on two instances otherwise deadlock their batches.
    /// </summary>
    private static string LockKey(Guid jobId) => jobId.ToString();

    private async Task<bool> MoveAsync(
        TimmyDbContext db, Guid jobId, JobState from, JobState to, Action<ConditionalUpdate<Job>>? alsoSet, LeaseTerms? lease = null)
    {
        var now = clock.GetUtcNow();
        var move = new ConditionalUpdate<Job>()
            .SetProperty(j => j.State, to)
            .SetProperty(j => j.UpdatedAt, now)
            // A lease belongs to one state; the next state starts unleased with fresh attempts, or in its first attempt.
            .SetProperty(j => j.LeaseOwner, lease?.Owner)
            .SetProperty(j => j.LeaseExpiresAt, lease?.ExpiresAt)
            .SetProperty(j => j.Attempts, lease is null ? 0 : 1)
            .Where(j => j.Id, jobId)
            .Where(j => j.State, from);
        if (to == JobState.Complete)
        {
            move.SetProperty(j => j.CompletedAt, now);
        }

        alsoSet?.Invoke(move);
        var rows = await move.ExecuteAsync(db, CancellationToken.None);
        return rows == 1;
    }

    private bool Announce(Guid jobId, JobState to, bool won)
    {
        if (won)
        {
            metrics.JobEntered(to);
            changes.Publish(jobId);
        }

        return won;
    }
}
