using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>One worker's hold on a job: which worker (<paramref name="Owner"/>) and which attempt.</summary>
public sealed record JobLease(Guid JobId, int Attempt, string Owner);

/// <summary>
/// Hands out jobs in evaluating or executing to workers. A lease is taken with a conditional update (on
/// PostgreSQL a <c>FOR UPDATE SKIP LOCKED</c> pick, so instances never queue on one row), so a job is
/// worked by one worker at a time; a lease that expires without the job moving is taken up again.
/// </summary>
public sealed class JobLeases(TimmyDbContext db, GroupCommit commits, TimeProvider clock)
{
    /// <summary>Timestamps are stored through this converter on SQLite; compiled once, not per claim.</summary>
    private static readonly Func<DateTimeOffset, long> ToSqliteStored = new DateTimeOffsetToBinaryConverter().ConvertToProviderExpression.Compile();

    private static readonly string[] LeasableStates = [JobState.Evaluating.ToWireName(), JobState.Executing.ToWireName()];

    /// <summary>
    /// Leases up to <paramref name="max"/> jobs. The claim runs in the group commit: on its own it was a transaction,
    /// and so a disk sync, of its own, taken on SQLite under the file's single write lock; at 10,000 jobs in flight
    /// claims held that lock for up to a fifth of the time. Once queued it is not cancelled: jobs leased for a caller
    /// that stopped waiting would sit unworked until their leases expired.
    /// </summary>
    public async Task<IReadOnlyList<JobLease>> ClaimAsync(string owner, int max, TimeSpan duration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = clock.GetUtcNow();
        return await commits.RunAsync(
            book => book.Database.IsNpgsql()
                ? ClaimWithSkipLockedAsync(book, owner, max, now, now + duration)
                : ClaimInOneStatementAsync(book, owner, max, now, now + duration),
            CancellationToken.None);
    }

    /// <summary>Hands back the leases of jobs still in flight, so another instance can take them up at once.</summary>
    public Task ReleaseAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken) =>
        db.Jobs
            .Where(j => EF.Parameter(jobIds).Contains(j.Id) && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1), cancellationToken);

    /// <summary>
    /// Ends a lease early but lets the job be taken up again (by any worker) only at <paramref name="retryAt"/>. Only
    /// while the lease is still this one: if it expired and another worker took the job, that worker's lease stands.
    /// </summary>
    public Task DeferAsync(JobLease lease, JobState state, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        db.Jobs
            .Where(j => j.Id == lease.JobId && j.State == state && j.LeaseOwner == lease.Owner && j.Attempts == lease.Attempt)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseExpiresAt, retryAt), cancellationToken);

    /// <summary>
    /// SQLite has one writer at a time, so a single UPDATE … RETURNING both picks and leases a batch atomically;
    /// one statement instead of one per job keeps claiming cheap when thousands of jobs are waiting. The unleased and
    /// the expired are two range searches of the (state, lease expiry) index: written as one OR, SQLite walked every
    /// job in the state, thousands of them leased and at the model, while it held the file's write lock.
    /// </summary>
    private static async Task<IReadOnlyList<JobLease>> ClaimInOneStatementAsync(
        TimmyDbContext db, string owner, int max, DateTimeOffset now, DateTimeOffset expires)
    {
        long nowStored = ToSqliteStored(now), expiresStored = ToSqliteStored(expires);
        string evaluating = LeasableStates[0], executing = LeasableStates[1];
        var rows = await db.Database.SqlQuery<LeaseRow>($"""
            UPDATE jobs SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {expiresStored}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (
                SELECT "Id" FROM (
                    SELECT "Id", "UpdatedAt" FROM jobs
                    WHERE "State" IN ({evaluating}, {executing}) AND "LeaseExpiresAt" IS NULL
                    UNION ALL
                    SELECT "Id", "UpdatedAt" FROM jobs
                    WHERE "State" IN ({evaluating}, {executing}) AND "LeaseExpiresAt" < {nowStored})
                ORDER BY "UpdatedAt"
                LIMIT {max})
            RETURNING "Id" AS "JobId", "Attempts" AS "Attempt"
            """).ToListAsync(CancellationToken.None);
        return rows.Select(r => new JobLease(r.JobId, r.Attempt, owner)).ToList();
    }

    private static async Task<IReadOnlyList<JobLease>> ClaimWithSkipLockedAsync(
        TimmyDbContext db, string owner, int max, DateTimeOffset now, DateTimeOffset expires)
    {
        var rows = await db.Database.SqlQuery<LeaseRow>($"""
            UPDATE jobs SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {expires}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (
                SELECT "Id" FROM jobs
                WHERE "State" = ANY({LeasableStates}) AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < {now})
                ORDER BY "UpdatedAt"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "JobId", "Attempts" AS "Attempt"
            """).ToListAsync(CancellationToken.None);
        return rows.Select(r => new JobLease(r.JobId, r.Attempt, owner)).ToList();
    }

    private sealed record LeaseRow(Guid JobId, int Attempt);
}
