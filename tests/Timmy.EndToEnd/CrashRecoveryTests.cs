using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Timmy.EndToEnd;

/// <summary>
/// Kills the server with SIGKILL while paid work is running, restarts it on the same database, and checks
/// that every paid job ends complete (or failed with its money owed back): nothing is lost or left stuck.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly Dictionary<string, string> SlowModelShortLease = new()
    {
        ["Agent__OfflineLatencyMs"] = "1500",
        ["Jobs__LeaseSeconds"] = "3",
        ["Jobs__WorkerScanMilliseconds"] = "200",
    };

    /// <summary>Default lease (300 s), heartbeat and scans: only the instance heartbeat can bring the jobs back soon.</summary>
    private static readonly Dictionary<string, string> SlowModel = new() { ["Agent__OfflineLatencyMs"] = "1500" };

    /// <summary>Issue 21's target: a client who paid waits at most this long after a restart.</summary>
    private static readonly TimeSpan RecoveryTarget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Paid_jobs_interrupted_by_a_kill_are_finished_after_a_restart()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-crash-{Guid.NewGuid():N}");
        var jobIds = await KillMidWorkAsync(dataFolder, SlowModelShortLease);

        var second = new ServerProcess(dataFolder, SlowModelShortLease, ownsDataFolder: true);
        await second.InitializeAsync();
        try
        {
            using var client = second.CreateClient();
            foreach (var jobId in jobIds)
            {
                var job = await client.PollUntilSettledAsync(jobId);
                var state = job.GetProperty("state").GetString();
                Assert.True(state is "complete" || (state is "failed" && RefundOwed(job) > 0), $"job {jobId} ended {job}");
            }
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_the_default_lease_paid_jobs_interrupted_by_a_kill_complete_within_30_seconds_of_the_restart()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-crash-{Guid.NewGuid():N}");
        var jobIds = await KillMidWorkAsync(dataFolder, SlowModel);

        var sinceKill = Stopwatch.StartNew();
        var second = new ServerProcess(dataFolder, SlowModel, ownsDataFolder: true);
        await second.InitializeAsync();
        // Timed from when the restarted server answers: on a loaded machine starting it alone can take longer than the target.
        var sinceRestart = Stopwatch.StartNew();
        try
        {
            using var client = second.CreateClient();
            var pending = jobIds.ToList();
            do
            {
                var jobs = await Task.WhenAll(pending.Select(async id => (Id: id, Job: await (await client.GetAsync($"/api/jobs/{id}")).ReadJsonAsync())));
                Assert.All(jobs, j => Assert.DoesNotContain(j.Job.GetProperty("state").GetString(), new[] { "failed", "rejected" }));
                pending = jobs.Where(j => j.Job.GetProperty("state").GetString() != "complete").Select(j => j.Id).ToList();
                await Task.Delay(200);
            }
            while (pending.Count > 0 && sinceRestart.Elapsed < RecoveryTarget);

            Assert.True(
                pending.Count == 0,
                $"{pending.Count} of {jobIds.Count} paid jobs still not complete {sinceRestart.Elapsed.TotalSeconds:F1} s after the restart ({sinceKill.Elapsed.TotalSeconds:F1} s after the kill)");
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    /// <summary>Starts a server, has five jobs paid and executing with the slow model mid-call, and SIGKILLs it.</summary>
    private static async Task<List<string>> KillMidWorkAsync(string dataFolder, Dictionary<string, string> environment)
    {
        var jobIds = new List<string>();
        var first = new ServerProcess(dataFolder, environment);
        await first.InitializeAsync();
        using (var client = first.CreateClient())
        {
            for (var i = 0; i < 5; i++)
            {
                var created = await (await client.PostAsJsonAsync("/api/jobs", new { request = $"What is a satoshi? #{i}" })).ReadJsonAsync();
                jobIds.Add(created.GetProperty("jobId").GetString()!);
                await client.PostAsync($"/api/dev/stub/pay/{created.GetProperty("evalInvoice").GetProperty("paymentHash").GetString()}", null);
            }

            var accepted = await Task.WhenAll(jobIds.Select(client.PollUntilSettledAsync));
            foreach (var job in accepted)
            {
                await client.PostAsync($"/api/dev/stub/pay/{job.GetProperty("workInvoice").GetProperty("paymentHash").GetString()}", null);
            }

            // Polling notices the work payments; every job is then executing, with the slow model mid-call.
            var executing = await Task.WhenAll(jobIds.Select(async id => await (await client.GetAsync($"/api/jobs/{id}")).ReadJsonAsync()));
            Assert.All(executing, job => Assert.Equal("executing", job.GetProperty("state").GetString()));
        }

        await first.KillAsync();
        await first.DisposeAsync();
        return jobIds;
    }

    private static long RefundOwed(JsonElement job) => job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64();
}
