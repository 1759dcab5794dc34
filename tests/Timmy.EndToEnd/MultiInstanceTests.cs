using System.Net.Http.Json;
using Timmy.Tests.Fakes;

namespace Timmy.EndToEnd;

/// <summary>
/// Two server processes on one database (PostgreSQL in CI's second pass, one SQLite file otherwise), both polled
/// for the same paid jobs at once. The fake Anthropic server counts the model calls: exactly one eval and one
/// work call per job, however the instances race, and without a deadlock between the instances' writes.
/// </summary>
public sealed class MultiInstanceTests
{
    private const int Jobs = 8;
    private const int PollersPerInstance = 10;

    [Fact]
    public async Task Two_instances_polling_the_same_jobs_make_one_eval_and_one_work_call_per_job()
    {
        await using var anthropic = new FakeAnthropic();
        await anthropic.StartAsync();
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-multi-{Guid.NewGuid():N}");
        var environment = anthropic.TimmySettings().ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
        var first = new ServerProcess(dataFolder, environment, ownsDataFolder: true);
        var second = new ServerProcess(dataFolder, environment);
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            using var a = first.CreateClient();
            using var b = second.CreateClient();
            var jobIds = new List<string>();
            for (var i = 0; i < Jobs; i++)
            {
                var created = await (await a.PostAsJsonAsync("/api/jobs", new { request = $"Explain Lightning channels #{i}" })).ReadJsonAsync();
                jobIds.Add(created.GetProperty("jobId").GetString()!);
                await a.PostAsync($"/api/dev/stub/pay/{created.GetProperty("evalInvoice").GetProperty("paymentHash").GetString()}", null);
            }

            var accepted = await PollFromBothAsync(a, b, jobIds);
            foreach (var job in accepted)
            {
                Assert.Equal("awaiting_work_payment", job.GetProperty("state").GetString());
                await b.PostAsync($"/api/dev/stub/pay/{job.GetProperty("workInvoice").GetProperty("paymentHash").GetString()}", null);
            }

            var done = await PollFromBothAsync(a, b, jobIds);

            Assert.All(done, job => Assert.Equal("complete", job.GetProperty("state").GetString()));
            Assert.All(done, job => Assert.Equal(FakeAnthropic.WorkAnswer, job.GetProperty("result").GetString()));
            Assert.Equal(2 * Jobs, anthropic.MessageRequests);
            // The instances' group commits lock each job's rows in one order, so none of them lost a deadlock (each
            // costs PostgreSQL's deadlock timeout, a second, while every poll in the batch waits).
            Assert.DoesNotContain("lost a lock conflict", first.Output + second.Output);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    /// <summary>
    /// Many concurrent pollers on both instances for every job, until each job settles. The second instance is asked
    /// about the jobs in the opposite order, so the two see the payments, and write them, in opposite orders.
    /// </summary>
    private static async Task<System.Text.Json.JsonElement[]> PollFromBothAsync(HttpClient a, HttpClient b, List<string> jobIds)
    {
        var storm = Enumerable.Range(0, PollersPerInstance).SelectMany(_ =>
            jobIds.Select(id => a.GetAsync($"/api/jobs/{id}")).Concat(Enumerable.Reverse(jobIds).Select(id => b.GetAsync($"/api/jobs/{id}"))));
        await Task.WhenAll(storm);
        return await Task.WhenAll(jobIds.Select((id, i) => (i % 2 == 0 ? a : b).PollUntilSettledAsync(id)));
    }
}
