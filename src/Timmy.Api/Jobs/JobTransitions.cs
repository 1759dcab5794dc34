using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
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
        Guid jobId, JobState from, JobState to, Action<UpdateSettersBuilder<Job>>? alsoSet, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var won = await commits.RunAsync(db => MoveAsync(db, jobId, from, to, alsoSet), cancellationToken);
        return Announce(jobId, to, won);
    }

    /// <summary>Makes the move and, only if it was won, adds <paramref name="invoice"/> (the work invoice of a quote), together.</summary>
    public async Task<bool> TryMoveWithInvoiceAsync(
        Guid jobId, JobState from, JobState to, Invoice invoice, Action<UpdateSettersBuilder<Job>>? alsoSet, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var won = await commits.RunAsync(async db =>
        {
            if (!await MoveAsync(db, jobId, from, to, alsoSet))
            {
                return false;
            }

            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }, cancellationToken);
        if (won)
        {
            metrics.Invoiced(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return Announce(jobId, to, won);
    }

    /// <summary>Records an invoice as paid (idempotently) and makes the move, together.</summary>
    public async Task<bool> TryMoveOnPaymentAsync(
        Guid jobId, Invoice invoice, DateTimeOffset paidAt, JobState from, JobState to, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
        var (recorded, won) = await commits.RunAsync(async db =>
        {
            var recorded = await db.Invoices
                .Where(i => i.Id == invoice.Id && i.PaidAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.PaidAt, paidAt), CancellationToken.None) == 1;
            return (recorded, await MoveAsync(db, jobId, from, to, null));
        }, cancellationToken);
        if (recorded)
        {
            metrics.Paid(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return Announce(jobId, to, won);
    }

    private async Task<bool> MoveAsync(TimmyDbContext db, Guid jobId, JobState from, JobState to, Action<UpdateSettersBuilder<Job>>? alsoSet)
    {
        var now = clock.GetUtcNow();
        var rows = await db.Jobs
            .Where(j => j.Id == jobId && j.State == from)
            .ExecuteUpdateAsync(set =>
            {
                set.SetProperty(j => j.State, to);
                set.SetProperty(j => j.UpdatedAt, now);
                // A lease belongs to one state; the next state starts unleased, with fresh attempts.
                set.SetProperty(j => j.LeaseOwner, (string?)null);
                set.SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null);
                set.SetProperty(j => j.Attempts, 0);
                if (to == JobState.Complete)
                {
                    set.SetProperty(j => j.CompletedAt, now);
                }

                alsoSet?.Invoke(set);
            }, CancellationToken.None);
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
