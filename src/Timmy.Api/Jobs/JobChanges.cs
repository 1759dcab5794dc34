using System.Collections.Concurrent;

namespace Timmy.Api.Jobs;

/// <summary>
/// Tells this instance's event streams that a job has changed, so they push the new state at once instead of
/// looking at the database on a timer. Moves made here are published as they commit; moves made by other
/// instances are found by <see cref="JobChangePoller"/>, one query for all the jobs being followed.
/// </summary>
public sealed class JobChanges
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Watch, byte>> _watches = new();

    /// <summary>Starts watching a job; dispose the watch to stop.</summary>
    public Watch Follow(Guid jobId)
    {
        var watch = new Watch(this, jobId);
        _watches.GetOrAdd(jobId, _ => new()).TryAdd(watch, 0);
        return watch;
    }

    /// <summary>The jobs some stream is following now.</summary>
    public IReadOnlyCollection<Guid> Followed => (IReadOnlyCollection<Guid>)_watches.Keys;

    public void Publish(Guid jobId)
    {
        if (_watches.TryGetValue(jobId, out var watches))
        {
            foreach (var watch in watches.Keys)
            {
                watch.Notify();
            }
        }
    }

    /// <summary>Wakes the streams of a job that have not yet shown its update of <paramref name="updatedAt"/>.</summary>
    public void PublishIfUnseen(Guid jobId, DateTimeOffset updatedAt)
    {
        if (_watches.TryGetValue(jobId, out var watches))
        {
            foreach (var watch in watches.Keys.Where(w => w.SeenUpdate != updatedAt.UtcTicks))
            {
                watch.Notify();
            }
        }
    }

    private void Forget(Watch watch)
    {
        if (_watches.TryGetValue(watch.JobId, out var watches) && watches.TryRemove(watch, out _) && watches.IsEmpty)
        {
            // A watch added in the instant between the check and the removal goes unnotified and relies on its stream's poll.
            _watches.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Watch, byte>>(watch.JobId, watches));
        }
    }

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
