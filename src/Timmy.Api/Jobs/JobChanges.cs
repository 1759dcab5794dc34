using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>
/// Tells this instance's event streams that a job has changed, so they push the new state at once instead of
/// looking at the database on a timer. Moves made here are published as they commit (by <see cref="JobTransitions"/>);
/// moves made by other instances are found by this class's own loop: every <see cref="JobEventsOptions.PollIntervalMs"/>
/// it reads the followed jobs' <see cref="Job.UpdatedAt"/>, one query per page of jobs, so ten thousand open streams
/// cost one small query a second, not ten thousand.
/// </summary>
public sealed partial class JobChanges(IServiceScopeFactory scopes, IOptions<JobEventsOptions> options, ILogger<JobChanges> logger) : BackgroundService
{
    private const int PageSize = 500;

    // Usually one stream per job: a small immutable array per job, swapped atomically, is all it needs.
    private readonly ConcurrentDictionary<Guid, ImmutableArray<Watch>> _watches = new();

    /// <summary>Starts watching a job; dispose the watch to stop.</summary>
    public Watch Follow(Guid jobId)
    {
        var watch = new Watch(this, jobId);
        _watches.AddOrUpdate(jobId, _ => [watch], (_, watches) => watches.Add(watch));
        return watch;
    }

    /// <summary>The jobs some stream is following now.</summary>
    public IReadOnlyCollection<Guid> Followed => (IReadOnlyCollection<Guid>)_watches.Keys;

    public void Publish(Guid jobId) => Wake(jobId, _ => true);

    /// <summary>Wakes the streams of a job that have not yet shown its update of <paramref name="updatedAt"/>.</summary>
    private void PublishIfUnseen(Guid jobId, DateTimeOffset updatedAt) => Wake(jobId, watch => watch.SeenUpdate != updatedAt.UtcTicks);

    private void Wake(Guid jobId, Func<Watch, bool> needsTelling)
    {
        if (_watches.TryGetValue(jobId, out var watches))
        {
            foreach (var watch in watches.Where(needsTelling))
            {
                watch.Notify();
            }
        }
    }

    private void Forget(Watch watch)
    {
        // Compare-and-swap until this watch is out, dropping the job's entry with its last watch.
        while (_watches.TryGetValue(watch.JobId, out var watches) && watches.Contains(watch))
        {
            var rest = watches.Remove(watch);
            var swapped = rest.IsEmpty
                ? _watches.TryRemove(new KeyValuePair<Guid, ImmutableArray<Watch>>(watch.JobId, watches))
                : _watches.TryUpdate(watch.JobId, rest, watches);
            if (swapped)
            {
                return;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(ex);
            }
        }
    }

    /// <summary>One pass: wakes every stream whose job has an update (by any instance) it has not shown.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var page in Followed.ToArray().Chunk(PageSize))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
            var updates = await db.Jobs.AsNoTracking()
                .Where(j => EF.Parameter(page).Contains(j.Id)) // One parameter, not 500: see JobReads.
                .Select(j => new { j.Id, j.UpdatedAt })
                .ToListAsync(cancellationToken);
            updates.ForEach(update => PublishIfUnseen(update.Id, update.UpdatedAt));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Looking for job changes made by other instances failed; trying again on the next tick")]
    private partial void LogPollFailed(Exception ex);

    /// <summary>One stream's interest in one job.</summary>
    public sealed class Watch(JobChanges owner, Guid jobId) : Hosting.Wakeup, IDisposable
    {
        private long _seenUpdate;

        public Guid JobId { get; } = jobId;

        /// <summary>The <see cref="Job.UpdatedAt"/> (UTC ticks) of the last state the stream has shown.</summary>
        public long SeenUpdate
        {
            get => Volatile.Read(ref _seenUpdate);
            set => Volatile.Write(ref _seenUpdate, value);
        }

        public void Dispose() => owner.Forget(this);
    }
}
