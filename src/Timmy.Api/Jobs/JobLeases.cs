using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>The lease a move writes as it makes a job workable: to <paramref name="Owner"/>, first attempt, until <paramref name="ExpiresAt"/>.</summary>
public readonly record struct LeaseTerms(string Owner, DateTimeOffset ExpiresAt);

/// <summary>One worker's hold on a job: which worker (<paramref name="Owner"/>) and which attempt.</summary>
public sealed record JobLease(Guid JobId, int Attempt, string Owner);

/// <summary>
/// Hands out jobs in evaluating or executing to workers. A lease is taken with a conditional update (on
/// PostgreSQL a <c>FOR UPDATE SKIP LOCKED</c> pick, so instances never queue on one row), so a job is
/// worked by one worker at a time; a lease that expires without the job moving is taken up again.
/// </summary>
public sealed class JobLeases(TimmyDbContext db, TimeProvider clock)
{
    /// <summary>Timestamps are stored through this converter on SQLite; compiled once, not per claim.</summary>
    private static readonly Func<DateTimeOffset, long> ToSqliteStored = new DateTimeOffsetToBinaryConverter().ConvertToProviderExpression.Compile();

    private static readonly string[] LeasableStates = Job.LeasableStates.Select(state => state.ToWireName()).ToArray();

    public async Task<IReadOnlyList<JobLease>> ClaimAsync(string owner, int max, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Database.IsNpgsql()
            ? await ClaimWithSkipLockedAsync(owner, max, now, now + duration, cancellationToken)
            : await ClaimInOneStatementAsync(owner, max, now, now + duration, cancellationToken);
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
    /// Extends a lease whose worker is still at the job; false once the lease is no longer this one (the job moved on,
    /// or its lease ran out and another worker took it).
    /// </summary>
    public async Task<bool> RenewAsync(JobLease lease, DateTimeOffset until, CancellationToken cancellationToken) =>
        await db.Jobs
            .Where(j => j.Id == lease.JobId && j.LeaseOwner == lease.Owner && j.Attempts == lease.Attempt
                && (j.State == JobState.Evaluating || j.State == JobState.Executing))
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseExpiresAt, until), cancellationToken) == 1;

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
    /// one statement instead of one per job keeps claiming cheap when thousands of jobs are waiting.
    /// </summary>
    private async Task<IReadOnlyList<JobLease>> ClaimInOneStatementAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        long nowStored = ToSqliteStored(now), expiresStored = ToSqliteStored(expires);
        string evaluating = LeasableStates[0], executing = LeasableStates[1];
        var rows = await db.Database.SqlQuery<LeaseRow>($"""
            UPDATE jobs SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {expiresStored}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (
                SELECT "Id" FROM jobs
                WHERE "State" IN ({evaluating}, {executing}) AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < {nowStored})
                ORDER BY "UpdatedAt"
                LIMIT {max})
            RETURNING "Id" AS "JobId", "Attempts" AS "Attempt"
            """).ToListAsync(cancellationToken);
        return rows.Select(r => new JobLease(r.JobId, r.Attempt, owner)).ToList();
    }

    private async Task<IReadOnlyList<JobLease>> ClaimWithSkipLockedAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
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
            """).ToListAsync(cancellationToken);
        return rows.Select(r => new JobLease(r.JobId, r.Attempt, owner)).ToList();
    }

    private sealed record LeaseRow(Guid JobId, int Attempt);
}
