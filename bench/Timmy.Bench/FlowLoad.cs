using System.Diagnostics;

namespace Timmy.Bench;

/// <summary>
/// The whole paid flow in a closed loop: each worker creates a job, pays its eval invoice, polls for the
/// work invoice, pays it and polls until the job is complete, then starts the next one.
/// </summary>
public static class FlowLoad
{
    public static async Task<int> RunAsync(Options options)
    {
        var baseAddress = new Uri(options.Required("base"));
        var connections = options.Int("connections", 16);
        var pollInterval = TimeSpan.FromMilliseconds(options.Int("poll-interval-ms", 10));
        using var http = TimmyApi.CreateHttpClient(baseAddress, connections);

        var warmup = new JobFlow(new TimmyApi(http), pollInterval);
        await ClosedLoop.RunAsync(connections, options.Seconds("warmup", 2), warmup.RunAsync);

        var api = new TimmyApi(http);
        var flow = new JobFlow(api, pollInterval);
        var flows = new Latencies();
        var outcome = await ClosedLoop.RunAsync(connections, options.Seconds("seconds", 10), async cancellationToken =>
        {
            var started = Stopwatch.GetTimestamp();
            await flow.RunAsync(cancellationToken);
            flows.Add(Stopwatch.GetElapsedTime(started));
        });

        var requestsPerFlow = outcome.Completed > 0 ? (double)api.Requests / outcome.Completed : 0;
        Console.WriteLine($"Full flow: {outcome.PerSecond:0.0} flows/s, {api.Requests / outcome.Elapsed.TotalSeconds:0} requests/s " +
            $"({requestsPerFlow:0.0} per flow) over {connections} connections, {outcome.Failed} failed");
        if (outcome.FirstError is { } error)
        {
            Console.WriteLine($"First error: {error}");
        }

        Report.Result(
            "flow",
            ("flows_per_s", outcome.PerSecond),
            ("rps", api.Requests / outcome.Elapsed.TotalSeconds),
            ("p50_ms", flows.Percentile(50)),
            ("p99_ms", flows.Percentile(99)),
            ("req_p50_ms", api.RequestLatencies.Percentile(50)),
            ("req_p99_ms", api.RequestLatencies.Percentile(99)),
            ("requests_per_flow", requestsPerFlow),
            ("errors", outcome.Failed));
        return outcome.Completed > 0 && outcome.Failed == 0 ? 0 : 1;
    }
}
