using System.Diagnostics;

namespace Timmy.Bench;

/// <summary>
/// A closed-loop load: a fixed number of workers, each starting its next iteration as soon as the last
/// one ends, for a fixed time. Iterations cut short by the end of the run are neither counted nor failed.
/// </summary>
public static class ClosedLoop
{
    public sealed record Outcome(long Completed, long Failed, TimeSpan Elapsed, string? FirstError)
    {
        public double PerSecond => Completed / Elapsed.TotalSeconds;
    }

    public static async Task<Outcome> RunAsync(int workers, TimeSpan duration, Func<CancellationToken, Task> iteration)
    {
        using var stop = new CancellationTokenSource(duration);
        long completed = 0;
        long failed = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();

        async Task WorkAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await iteration(stop.Token);
                    Interlocked.Increment(ref completed);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The run ended mid-iteration.
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, TimmyApi.Describe(ex), null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
        return new Outcome(completed, failed, Stopwatch.GetElapsedTime(started), firstError);
    }
}
