namespace Timmy.Bench;

public sealed record ProcessStatus(long RssKb, long PeakRssKb, int Threads);

/// <summary>Samples another process's memory and thread count from /proc/&lt;pid&gt;/status (Linux).</summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProcessSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                Sample();
            }
            while (await Wait(timer));
        });
    }

    public int MaxThreads { get; private set; }

    public long MaxRssKb { get; private set; }

    public static ProcessSampler Start(int pid, TimeSpan interval) => new(pid, interval);

    public static ProcessStatus Read(int pid)
    {
        var fields = File.ReadLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim().Split(' ')[0]);
        return new ProcessStatus(long.Parse(fields["VmRSS"]), long.Parse(fields["VmHWM"]), int.Parse(fields["Threads"]));
    }

    /// <summary>CPU time (user + system) the process has used so far, from /proc/&lt;pid&gt;/stat, in milliseconds.</summary>
    public static long CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The fields after "pid (comm) ": utime and stime are the 14th and 15th of the line, in clock ticks (100 a second).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10;
    }

    /// <summary>Stops sampling and returns the last reading; VmHWM is the kernel's own peak, not a sampled one.</summary>
    public async Task<ProcessStatus> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Sample();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private ProcessStatus Sample()
    {
        var status = Read(_pid);
        MaxThreads = Math.Max(MaxThreads, status.Threads);
        MaxRssKb = Math.Max(MaxRssKb, status.RssKb);
        return status;
    }

    private async Task<bool> Wait(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
