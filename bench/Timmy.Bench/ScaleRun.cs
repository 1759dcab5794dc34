using System.Diagnostics;

namespace Timmy.Bench;

/// <summary>
/// Many jobs in flight at once against a server whose offline model takes <c>--model-latency-ms</c> per call.
/// First a warm-up of <c>--warmup-jobs</c> through the same flow, so the server's code is compiled and its pools
/// sized, as in a service that has been up for a while. Setup (untimed): every job is created and, with
/// <c>--wait events</c> (the default), its event stream opened.
/// Then the clock starts and one client per job, all at once, pays the eval invoice, waits for the work invoice
/// (following its stream, or polling every <c>--poll-interval-ms</c>), pays it and waits for the result.
/// Each job needs two model calls, so if the server could hold them all in flight the last job would finish
/// 2 × latency after the start: that is the ideal the measured throughput is compared with.
/// </summary>
public static class ScaleRun
{
    private const int ModelCallsPerJob = 2;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(Options options)
    {
        var baseAddress = new Uri(options.Required("base"));
        var serverPid = int.Parse(options.Required("pid"), System.Globalization.CultureInfo.InvariantCulture);
        var jobs = options.Int("jobs", 10_000);
        var modelLatency = TimeSpan.FromMilliseconds(options.Int("model-latency-ms", 3000));
        var setupConnections = options.Int("setup-connections", 64);
        var pollInterval = TimeSpan.FromMilliseconds(options.Int("poll-interval-ms", 500));
        var wait = Enum.Parse<WaitMode>(options.String("wait", "events"), ignoreCase: true);
        using var deadline = new CancellationTokenSource(options.Seconds("timeout", 300));

        // Requests (creates, payments, polls) share a bounded pool, as one busy client would; each event stream
        // holds a connection of its own for as long as its job is in flight.
        using var http = TimmyApi.CreateHttpClient(baseAddress, options.Int("request-connections", 256));
        using var streams = TimmyApi.CreateHttpClient(baseAddress, int.MaxValue);
        var api = new TimmyApi(http);
        var flow = new JobFlow(api, pollInterval, wait, streams);
        var warmupJobs = options.Int("warmup-jobs", Math.Min(jobs, 1000));
        if (warmupJobs > 0)
        {
            var warmup = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, warmupJobs),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(setupConnections, warmupJobs / 2), CancellationToken = deadline.Token },
                async (_, cancellationToken) => await flow.RunAsync(cancellationToken));
            var settled = ProcessSampler.Read(serverPid);
            Console.WriteLine($"Warm-up: {warmupJobs} jobs through the whole flow in {warmup.Elapsed.TotalSeconds:0.0} s; " +
                $"server RSS now {settled.RssKb / 1024} MB, {settled.Threads} threads");
        }

        await using var sampler = ProcessSampler.Start(serverPid, TimeSpan.FromMilliseconds(100));

        var created = new CreatedJob[jobs];
        var events = new JobEventStream?[jobs];
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, jobs),
            new ParallelOptions { MaxDegreeOfParallelism = setupConnections, CancellationToken = deadline.Token },
            async (i, cancellationToken) =>
            {
                created[i] = await api.CreateJobAsync(cancellationToken);
                events[i] = wait == WaitMode.Events ? await flow.OpenEventsAsync(created[i], cancellationToken) : null;
            });
        setup.Stop();
        Console.WriteLine($"Created {jobs} jobs{(wait == WaitMode.Events ? " and opened their event streams" : "")} in " +
            $"{setup.Elapsed.TotalSeconds:0.0} s ({jobs / setup.Elapsed.TotalSeconds:0} jobs/s); waiting by {wait.ToString().ToLowerInvariant()}");

        var completions = new Latencies();
        long failed = 0;
        string? firstError = null;
        var requestsBefore = api.Requests;
        var cpuBefore = ProcessSampler.CpuMilliseconds(serverPid);
        var started = Stopwatch.GetTimestamp();
        var inFlight = Task.WhenAll(Enumerable.Range(0, jobs).Select(async i =>
        {
            try
            {
                if (events[i] is { } stream)
                {
                    await using (stream)
                    {
                        await flow.PayAndFollowAsync(created[i], stream, deadline.Token);
                    }
                }
                else
                {
                    await api.PayAsync(created[i].EvalPaymentHash, deadline.Token);
                    await flow.CompletePaidJobAsync(created[i].JobId, deadline.Token);
                }

                completions.Add(Stopwatch.GetElapsedTime(started));
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, TimmyApi.Describe(ex), null);
            }
        }));
        while (await Task.WhenAny(inFlight, Task.Delay(ProgressInterval)) != inFlight)
        {
            var now = ProcessSampler.Read(serverPid);
            Console.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0} s: {completions.Count,6} complete, " +
                $"server RSS {now.RssKb / 1024,4} MB, {now.Threads,3} threads");
        }

        var completed = completions.Count;
        // Until the last completion when all finished; otherwise the whole (bounded) wait counts.
        var elapsed = completed == jobs ? TimeSpan.FromMilliseconds(completions.Percentile(100)) : Stopwatch.GetElapsedTime(started);
        var final = await sampler.StopAsync();
        var cpuMs = ProcessSampler.CpuMilliseconds(serverPid) - cpuBefore;
        // The HTTP exchanges of the timed phase: its requests, plus one per event stream that delivered it.
        var exchanges = api.Requests - requestsBefore + (wait == WaitMode.Events ? jobs : 0);

        var throughput = completed / elapsed.TotalSeconds;
        var idealSeconds = ModelCallsPerJob * modelLatency.TotalSeconds;
        var ideal = jobs / idealSeconds;
        Console.WriteLine($"{completed} of {jobs} jobs complete in {elapsed.TotalSeconds:0.0} s: {throughput:0} jobs/s, " +
            $"ideal {ideal:0} jobs/s (all in flight, {ModelCallsPerJob} model calls of {modelLatency.TotalSeconds:0.###} s), {failed} failed, {api.Retries} requests retried");
        Console.WriteLine($"Server CPU in flight: {cpuMs} ms, {(double)cpuMs / Math.Max(1, completed):0.00} ms per completed job, over {exchanges} HTTP exchanges");
        Console.WriteLine($"Server: peak RSS {final.PeakRssKb / 1024} MB, threads peak {sampler.MaxThreads}, now {final.Threads}");
        if (firstError is not null)
        {
            Console.WriteLine($"First error: {firstError}");
        }

        Report.Result(
            "scale",
            ("jobs", jobs),
            ("wait", wait.ToString().ToLowerInvariant()),
            ("completed", completed),
            ("failed", failed),
            ("retries", api.Retries),
            ("setup_s", setup.Elapsed.TotalSeconds),
            ("elapsed_s", elapsed.TotalSeconds),
            ("jobs_per_s", throughput),
            ("ideal_jobs_per_s", ideal),
            ("fraction_of_ideal", throughput / ideal),
            ("first_complete_s", completions.Percentile(0) / 1000),
            ("p50_complete_s", completions.Percentile(50) / 1000),
            ("p99_complete_s", completions.Percentile(99) / 1000),
            ("peak_rss_mb", final.PeakRssKb / 1024.0),
            ("peak_threads", sampler.MaxThreads),
            ("final_threads", final.Threads),
            ("server_cpu_ms", cpuMs),
            ("cpu_ms_per_job", (double)cpuMs / Math.Max(1, completed)),
            ("exchanges", exchanges));
        return completed == jobs ? 0 : 1;
    }
}
