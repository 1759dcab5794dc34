using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Api.Sessions;

namespace Timmy.Api.Retention;

/// <summary>
/// Deletes, a batch at a time, what was never paid for and is too old to be: jobs still awaiting their eval payment
/// (with their invoice and idempotency record), sessions whose deposit was never paid (with their invoices), and
/// idempotency records past the retention age (a retry that late makes a new job). Each batch is one transaction whose
/// deletes repeat the conditions, so a row paid meanwhile is kept; nothing with a paid invoice or a ledger is touched.
/// Plain EF statements, so the same code runs on SQLite and PostgreSQL.
/// </summary>
public sealed class UnpaidRecords(TimmyDbContext db)
{
    /// <summary>Deletes up to <paramref name="batchSize"/> unpaid jobs created before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteJobsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.AwaitingEvalPayment && j.CreatedAt < cutoff)
            .OrderBy(j => j.CreatedAt)
            .Select(j => j.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The job first, still unpaid, then what hung on it: a job paid since the read keeps its rows.
        var deleted = await db.Jobs
            .Where(j => EF.Parameter(ids).Contains(j.Id) && j.State == JobState.AwaitingEvalPayment)
            .ExecuteDeleteAsync(cancellationToken);
        await db.IdempotencyKeys
            .Where(k => EF.Parameter(ids).Contains(k.JobId) && !db.Jobs.Any(j => j.Id == k.JobId))
            .ExecuteDeleteAsync(cancellationToken);
        await db.Invoices
            .Where(i => i.JobId != null && EF.Parameter(ids).Contains(i.JobId.Value) && i.PaidAt == null && !db.Jobs.Any(j => j.Id == i.JobId))
            .ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> never-paid sessions created before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteSessionsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await NeverPaid(db.Sessions.AsNoTracking().Where(s => s.CreatedAt < cutoff))
            .OrderBy(s => s.CreatedAt)
            .Select(s => s.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await NeverPaid(db.Sessions.Where(s => EF.Parameter(ids).Contains(s.Id))).ExecuteDeleteAsync(cancellationToken);
        await db.Invoices
            .Where(i => i.SessionId != null && EF.Parameter(ids).Contains(i.SessionId.Value) && i.PaidAt == null && !db.Sessions.Any(s => s.Id == i.SessionId))
            .ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> top-up invoices created before <paramref name="cutoff"/> that were never
    /// paid and are no longer their session's pending top-up (a later one replaced them); returns how many.
    /// </summary>
    public async Task<int> DeleteLapsedTopupsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await LapsedTopups(db.Invoices.AsNoTracking().Where(i => i.CreatedAt < cutoff))
            .OrderBy(i => i.CreatedAt)
            .Select(i => i.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        return ids.Count == 0
            ? 0
            : await LapsedTopups(db.Invoices.Where(i => EF.Parameter(ids).Contains(i.Id))).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> idempotency records created before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteIdempotencyKeysAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var keys = await db.IdempotencyKeys.AsNoTracking()
            .Where(k => k.CreatedAt < cutoff)
            .OrderBy(k => k.CreatedAt)
            .Select(k => k.Key)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        return keys.Count == 0
            ? 0
            : await db.IdempotencyKeys.Where(k => EF.Parameter(keys).Contains(k.Key)).ExecuteDeleteAsync(cancellationToken);
    }

    private IQueryable<Payments.Invoice> LapsedTopups(IQueryable<Payments.Invoice> invoices) => invoices.Where(i =>
        i.Kind == Payments.InvoiceKind.SessionTopup && i.PaidAt == null
        && !db.Sessions.Any(s => s.PendingTopupInvoiceId == i.Id)
        && !db.SessionLedger.Any(e => e.InvoiceId == i.Id));

    /// <summary>Sessions that never held a sat: nothing paid, nothing in the ledger, no balance.</summary>
    private IQueryable<Session> NeverPaid(IQueryable<Session> sessions) => sessions.Where(s =>
        (s.State == SessionState.AwaitingPayment || s.State == SessionState.Expired)
        && s.BalanceSats == 0 && s.ReservedSats == 0
        && !db.Invoices.Any(i => i.SessionId == s.Id && i.PaidAt != null)
        && !db.SessionLedger.Any(e => e.SessionId == s.Id));
}
