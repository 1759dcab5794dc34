using Timmy.Api.Data;
using Timmy.Api.Observability;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// The only writer of a job's row, and the door to the fast path (<see cref="GroupCommit"/>, <see cref="RowInsert"/>,
/// <see cref="ConditionalUpdate{TEntity}"/>) for the Jobs feature: <see cref="Job"/> decides which moves are legal and
/// what they write; this persists them. Each move is one conditional UPDATE
/// (<c>WHERE id = @id AND state = @from</c>): a row count of 1 means this caller won the move,
/// 0 means another poller or instance got there first. Work follows only a won move. Moves run through
/// <see cref="GroupCommit"/>, so many jobs moving at once share a transaction, and a won move is
/// announced to this instance's event streams once it has committed.
/// </summary>
public sealed partial class JobTransitions(GroupCommit commits, JobChanges changes, TimeProvider clock, TimmyMetrics metrics)
{
    /// <summary>Stores a new job (<see cref="Job.Create"/>) with its invoice, and its idempotency key if any, together.</summary>
    public async Task CreateAsync(Job job, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await commits.InsertAsync(key is null ? [job] : [job, key], cancellationToken);
        metrics.Invoiced(InvoiceKind.JobEval.ToString(), job.EvalInvoice!.AmountSats);
        metrics.JobEntered(job.State);
    }

    public async Task<bool> TryMoveAsync(Guid jobId, JobMove move, CancellationToken cancellationToken)
    {
        var won = await commits.RunAsync(db => MoveAsync(db, jobId, move), cancellationToken, LockKey(jobId));
        return Announce(jobId, move.To, won);
    }

    /// <summary>Makes the move and, only if it was won, adds <paramref name="invoice"/> (the work invoice of a quote), together.</summary>
    public async Task<bool> TryMoveWithInvoiceAsync(Guid jobId, JobMove move, Invoice invoice, CancellationToken cancellationToken)
    {
        var won = await commits.RunAsync(async db =>
        {
            if (!await MoveAsync(db, jobId, move))
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

        return Announce(jobId, move.To, won);
    }

    /// <summary>
    /// Records an invoice as paid (idempotently) and makes the move, together; with <paramref name="lease"/>, the job
    /// enters its workable state leased on those terms (see <see cref="JobWorker.ReservePlace"/>), otherwise unleased.
    /// </summary>
    public async Task<bool> TryMoveOnPaymentAsync(
        Guid jobId, Invoice invoice, DateTimeOffset paidAt, JobMove move, LeaseTerms? lease, CancellationToken cancellationToken)
    {
        var (recorded, won) = await commits.RunAsync(async db =>
        {
            var recorded = await new ConditionalUpdate<Invoice>()
                .SetProperty(i => i.PaidAt, paidAt)
                .Where(i => i.Id, invoice.Id)
                .Where(i => i.PaidAt, null)
                .ExecuteAsync(db, CancellationToken.None) == 1;
            return (recorded, await MoveAsync(db, jobId, move, lease));
        }, cancellationToken, LockKey(jobId));
        if (recorded)
        {
            metrics.Paid(invoice.Kind.ToString(), invoice.AmountSats);
        }

        return Announce(jobId, move.To, won);
    }

    /// <summary>
    /// Moves a job's refund state with <paramref name="db"/>, in its transaction if it has one: a payout's start takes
    /// the invoice's claim in the same transaction (<see cref="PayoutClaims.StartAsync"/>). One conditional update.
    /// </summary>
    public async Task<bool> TryMoveRefundAsync(TimmyDbContext db, Guid jobId, RefundMove move, CancellationToken cancellationToken) =>
        await RefundUpdate(jobId, move, clock.GetUtcNow()).ExecuteAsync(db, cancellationToken) == 1;

    /// <summary>
    /// Every move of a job (with the job's invoice it may update) is keyed by the job, so that instances' group commits
    /// lock jobs in one order: many polls of the same paid jobs on two instances otherwise deadlock their batches.
    /// </summary>
    private static string LockKey(Guid jobId) => jobId.ToString();

    private async Task<bool> MoveAsync(TimmyDbContext db, Guid jobId, JobMove move, LeaseTerms? lease = null)
    {
        var update = new ConditionalUpdate<Job>();
        Write(move, update, clock.GetUtcNow(), lease);
        var rows = await update.Where(j => j.Id, jobId).Where(j => j.State, move.From).ExecuteAsync(db, CancellationToken.None);
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
