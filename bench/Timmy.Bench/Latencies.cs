using System.Diagnostics;

namespace Timmy.Bench;

/// <summary>Thread-safe collection of latencies, in milliseconds, with nearest-rank percentiles.</summary>
public sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public int Count
    {
        get { lock (_milliseconds) { return _milliseconds.Count; } }
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Runs <paramref name="action"/> and records how long it took, whether or not it threw.</summary>
    public async Task<T> TimeAsync<T>(Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await action();
        }
        finally
        {
            Add(Stopwatch.GetElapsedTime(started));
        }
    }

    public double Percentile(double percent)
    {
        lock (_milliseconds)
        {
            if (_milliseconds.Count == 0)
            {
                return double.NaN;
            }

            _milliseconds.Sort();
            var rank = (int)Math.Ceiling(percent / 100 * _milliseconds.Count);
            return _milliseconds[Math.Clamp(rank - 1, 0, _milliseconds.Count - 1)];
        }
    }
}
