using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Jobs;

namespace Timmy.Api.Instances;

/// <summary>The <see cref="Instance"/> rows: an instance's own heartbeat, and taking back the jobs of one that stopped beating.</summary>
public sealed class InstanceRegistry(TimmyDbContext db)
{
    /// <summary>
    /// Refreshes this instance's heartbeat, adding its row when there is none: at its first beat, or after another
    /// instance took it for dead and removed it. Says whether the row was there.
    /// </summary>
    public async Task<bool> BeatAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Instances.Where(i => i.Id == id).ExecuteUpdateAsync(set => set.SetProperty(i => i.HeartbeatAt, now), cancellationToken) == 1)
        {
            return true;
        }

        // Only this process writes rows under its id, one beat at a time, so nothing races this insert.
        db.Instances.Add(new Instance { Id = id, StartedAt = now, HeartbeatAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return false;
    }

    /// <summary>Other instances whose last beat is older than <paramref name="staleBefore"/>; normally none, and the table holds a row per instance.</summary>
    public Task<List<string>> FindStaleAsync(string self, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        db.Instances.AsNoTracking()
            .Where(i => i.HeartbeatAt < staleBefore && i.Id != self)
            .Select(i => i.Id)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Takes back the jobs of an instance presumed dead: removes its row, only if it is still stale (it may have beaten
    /// since it was found), and in the same transaction, only if that removal won, releases the leases it holds. So of
    /// several instances reaping at once exactly one releases, and an instance that came back keeps its jobs. The
    /// attempt counter is left as it is: the next claim counts the interrupted attempt, as when a lease expires.
    /// Returns how many jobs were released, or null when there was nothing to reap.
    /// </summary>
    public async Task<int?> ReapAsync(string id, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Instances.Where(i => i.Id == id && i.HeartbeatAt < staleBefore).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return null;
        }

        var released = await db.Jobs
            .Where(j => j.LeaseOwner == id && (j.State == JobState.Evaluating || j.State == JobState.Executing))
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return released;
    }

    /// <summary>Removes this instance's row as it stops: an instance that left is not reaped (its worker handed its jobs back).</summary>
    public Task LeaveAsync(string id, CancellationToken cancellationToken) =>
        db.Instances.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken);
}
