using System.Diagnostics;
using System.Text;

namespace Timmy.Bench;

/// <summary>The same request over and over from a fixed number of connections: the fallback for wrk.</summary>
public static class FixedLoad
{
    public static async Task<int> RunAsync(Options options)
    {
        var url = new Uri(options.Required("url"));
        var method = new HttpMethod(options.String("method", "GET"));
        var body = options.String("body", string.Empty);
        var connections = options.Int("connections", 64);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

        async Task SendAsync(Latencies latencies, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body.Length > 0)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }

        var warmup = new Latencies();
        await ClosedLoop.RunAsync(connections, options.Seconds("warmup", 2), ct => SendAsync(warmup, ct));
        var measured = new Latencies();
        var outcome = await ClosedLoop.RunAsync(connections, options.Seconds("seconds", 10), ct => SendAsync(measured, ct));

        Console.WriteLine($"{method} {url}: {outcome.PerSecond:0} requests/s over {connections} connections, {outcome.Failed} failed");
        Report.Result(
            "load",
            ("rps", outcome.PerSecond),
            ("p50_ms", measured.Percentile(50)),
            ("p99_ms", measured.Percentile(99)),
            ("errors", outcome.Failed));
        return outcome.Completed > 0 ? 0 : 1;
    }
}
