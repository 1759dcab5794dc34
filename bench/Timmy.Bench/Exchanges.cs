namespace Timmy.Bench;

/// <summary>
/// Exactly <c>--count</c> GETs of one URL over <c>--connections</c> connections, and the CPU the server process
/// (<c>--pid</c>) spent answering them: what a bare server spends on as many HTTP exchanges as a Timmy run made.
/// </summary>
public static class Exchanges
{
    public static async Task<int> RunAsync(Options options)
    {
        var url = new Uri(options.Required("url"));
        var pid = int.Parse(options.Required("pid"), System.Globalization.CultureInfo.InvariantCulture);
        var count = options.Int("count", 10_000);
        var connections = options.Int("connections", 64);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections });

        var cpuBefore = ProcessSampler.CpuMilliseconds(pid);
        long failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = connections }, async (_, ct) =>
        {
            using var response = await http.GetAsync(url, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
            }
        });
        var cpu = ProcessSampler.CpuMilliseconds(pid) - cpuBefore;

        Console.WriteLine($"{count} exchanges with {url}: the server spent {cpu} ms of CPU ({1000.0 * cpu / count:0.0} µs each), {failed} failed");
        Report.Result("exchanges", ("count", count), ("server_cpu_ms", cpu), ("errors", failed));
        return failed == 0 ? 0 : 1;
    }
}
