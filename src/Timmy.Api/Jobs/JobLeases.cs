using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

public sealed record JobLease(Guid JobId, int Attempt);

/// <summary>
/// Hands out jobs in evaluating or executing to workers. A lease is taken with a conditional update (on
/// PostgreSQL a <c>FOR UPDATE SKIP LOCKED</c> pick, so instances never queue on one row), so a job is
/// worked by one worker at a time; a lease that expires without the job moving is taken up again.
/// </summary>
public sealed class JobLeases(TimmyDbContext db, TimeProvider clock)
{
    private static readonly string[] LeasableStates = [JobState.Evaluating.ToWireName(), JobState.Executing.ToWireName()];

    public async Task<IReadOnlyList<JobLease>> ClaimAsync(string owner, int max, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Database.IsNpgsql()
            ? await ClaimWithSkipLockedAsync(owner, max, now, now + duration, cancellationToken)
            : await ClaimOneByOneAsync(owner, max, now, now + duration, cancellationToken);
    }

    /// <summary>Hands back the leases of jobs still in flight, so another instance can take them up at once.</summary>
    public Task ReleaseAsync(string owner, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken) =>
        db.Jobs
            .Where(j => jobIds.Contains(j.Id) && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1), cancellationToken);

    private async Task<IReadOnlyList<JobLease>> ClaimOneByOneAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => (j.State == JobState.Evaluating || j.State == JobState.Executing) && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
            .OrderBy(j => j.UpdatedAt)
            .Select(j => new { j.Id, j.State, j.Attempts })
            .Take(max)
            .ToListAsync(cancellationToken);

        var claimed = new List<JobLease>();
        foreach (var candidate in candidates)
        {
            var won = await db.Jobs
                .Where(j => j.Id == candidate.Id && j.State == candidate.State && j.Attempts == candidate.Attempts
                    && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(j => j.LeaseOwner, owner)
                    .SetProperty(j => j.LeaseExpiresAt, expires)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1), cancellationToken) == 1;
            if (won)
            {
                claimed.Add(new JobLease(candidate.Id, candidate.Attempts + 1));
            }
        }

        return claimed;
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
        return rows.Select(r => new JobLease(r.JobId, r.Attempt)).ToList();
    }

    private sealed record LeaseRow(Guid JobId, int Attempt);
}
