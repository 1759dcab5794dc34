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

    [Fact]
    public async Task Paid_jobs_interrupted_by_a_kill_are_finished_after_a_restart()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-crash-{Guid.NewGuid():N}");
        var jobIds = new List<string>();
        var first = new ServerProcess(dataFolder, SlowModelShortLease);
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

    private static long RefundOwed(JsonElement job) => job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64();
}
