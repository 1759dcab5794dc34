using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Timmy.Api.Data;
using Timmy.Api.Observability;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// The only writer of <see cref="Job.State"/>. Each move is one conditional UPDATE
/// (<c>WHERE id = @id AND state = @from</c>): a row count of 1 means this caller won the move,
/// 0 means another poller or instance got there first. Work follows only a won move.
/// </summary>
public sealed class JobTransitions(TimmyDbContext db, TimeProvider clock, TimmyMetrics metrics)
{
    public async Task<bool> TryMoveAsync(
        Guid jobId, JobState from, JobState to, Action<UpdateSettersBuilder<Job>>? alsoSet, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureLegal(from, to);
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
            }, cancellationToken);
        if (rows == 1)
        {
            metrics.JobEntered(to);
        }

        return rows == 1;
    }

    /// <summary>Records an invoice as paid (idempotently) and makes the move, in one transaction.</summary>
    public async Task<bool> TryMoveOnPaymentAsync(
        Guid jobId, Invoice invoice, DateTimeOffset paidAt, JobState from, JobState to, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var recorded = await db.Invoices
            .Where(i => i.Id == invoice.Id && i.PaidAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.PaidAt, paidAt), cancellationToken) == 1;
        var won = await TryMoveAsync(jobId, from, to, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (recorded)
        {
            metrics.Paid(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return won;
    }
}
