using System.Diagnostics;

namespace Timmy.Bench;

/// <summary>
/// The latency from the node reporting a settlement to the job running: <c>--jobs</c> jobs are brought to
/// <c>awaiting_work_payment</c> (all in flight at once), then each work invoice is settled through the stub's
/// dev endpoint and timed from that answer (the node's settle) to the first poll that sees <c>executing</c> (or
/// later). The server's model must be slow enough that <c>executing</c> lasts (<c>Agent__OfflineLatencyMs</c>).
/// </summary>
public static class PayToWork
{
    public static async Task<int> RunAsync(Options options)
    {
        var baseAddress = new Uri(options.Required("base"));
        var jobs = options.Int("jobs", 1000);
        var connections = options.Int("connections", 64);
        var pollInterval = TimeSpan.FromMilliseconds(options.Int("poll-interval-ms", 2));
        using var deadline = new CancellationTokenSource(options.Seconds("timeout", 300));
        using var http = TimmyApi.CreateHttpClient(baseAddress, connections);
        var api = new TimmyApi(http);
        var flow = new JobFlow(api, TimeSpan.FromMilliseconds(50));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = connections, CancellationToken = deadline.Token };

        var awaitingWork = new (string JobId, string WorkHash)[jobs];
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), parallel, async (i, ct) =>
        {
            var jobId = await flow.CreateAndPayEvalAsync(ct);
            var view = await flow.WaitForWorkInvoiceAsync(jobId, ct);
            awaitingWork[i] = (jobId, view.WorkPaymentHash!);
        });
        Console.WriteLine($"{jobs} jobs awaiting their work payment");

        var latencies = new Latencies();
        await Parallel.ForEachAsync(awaitingWork, parallel, async (job, ct) =>
        {
            await api.PayAsync(job.WorkHash, ct);
            var settled = Stopwatch.GetTimestamp();
            while ((await api.GetJobAsync(job.JobId, ct)).State == "awaiting_work_payment")
            {
                await Task.Delay(pollInterval, ct);
            }

            latencies.Add(Stopwatch.GetElapsedTime(settled));
        });

        Console.WriteLine($"Settle to executing over {jobs} jobs: p50 {latencies.Percentile(50):0.0} ms, p99 {latencies.Percentile(99):0.0} ms");
        Report.Result("pay_to_work", ("jobs", jobs), ("p50_ms", latencies.Percentile(50)), ("p99_ms", latencies.Percentile(99)));
        return latencies.Count == jobs ? 0 : 1;
    }
}
