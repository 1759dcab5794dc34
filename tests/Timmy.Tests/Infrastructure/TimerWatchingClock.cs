using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Timmy.Tests.Infrastructure;

/// <summary>
/// A fake clock that knows which timers are set on it. A test that steps the clock before the app has set the timer it
/// means to fire (the app's loop is late, on a loaded machine) moves that timer later in fake time than it would be on a
/// real clock; waiting for <see cref="IsWaiting"/> before each step keeps the app's timers where they belong.
/// </summary>
public sealed class TimerWatchingClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    /// <summary>Each timer set and not yet done with: its due time and period as last set.</summary>
    private readonly ConcurrentDictionary<object, (TimeSpan DueTime, TimeSpan Period)> _set = new();

    /// <summary>
    /// Whether a timer set for <paramref name="dueTime"/> is waiting: set, not yet fired (if one-shot), not disposed.
    /// Compared in whole milliseconds, as <see cref="Task.Delay(TimeSpan, TimeProvider)"/> sets its timer.
    /// </summary>
    public bool IsWaiting(TimeSpan dueTime) => _set.Values.Any(timer => (long)timer.DueTime.TotalMilliseconds == (long)dueTime.TotalMilliseconds);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var key = new object();
        var watched = new Watched(_set, key);
        watched.Set(dueTime, period);
        watched.Timer = base.CreateTimer(s =>
        {
            if (_set.TryGetValue(key, out var timer) && timer.Period == Timeout.InfiniteTimeSpan)
            {
                _set.TryRemove(key, out _);
            }

            callback(s);
        }, state, dueTime, period);
        return watched;
    }

    private sealed class Watched(ConcurrentDictionary<object, (TimeSpan DueTime, TimeSpan Period)> set, object key) : ITimer
    {
        public ITimer Timer { get; set; } = null!;

        public void Set(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                set.TryRemove(key, out _);
            }
            else
            {
                set[key] = (dueTime, period);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime, period);
            return Timer.Change(dueTime, period);
        }

        public void Dispose()
        {
            set.TryRemove(key, out _);
            Timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            set.TryRemove(key, out _);
            return Timer.DisposeAsync();
        }
    }
}
