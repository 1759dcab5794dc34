using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Instances;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Instances;

/// <summary>
/// Crash recovery by heartbeat: the jobs of an instance that stopped beating are taken up again once it has been
/// silent for Jobs:InstanceStaleSeconds (15 s), long before their 300 s leases run out; a live instance keeps its jobs.
/// </summary>
public sealed class InstanceHeartbeatTests : IDisposable
{
    private const string Dead = "instance-that-died";
    private const string Live = "instance-still-beating";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TimmyFactory _factory;

    public InstanceHeartbeatTests()
    {
        // Scans too rare to help: a released job runs only if the heartbeat wakes the worker.
        _factory = new TimmyFactory
        {
            Settings = { ["Jobs:WorkerScanMilliseconds"] = "600000" },
            TestServices = s => s.AddSingleton<TimeProvider>(_clock),
        };
    }

    [Fact]
    public async Task The_jobs_of_a_silent_instance_run_again_after_the_stale_window_and_a_live_instance_keeps_its_own()
    {
        var client = _factory.CreateClient();
        var (deadJob, liveJob) = (await PaidJobLeasedByAsync(client, Dead, attempts: 1), await PaidJobLeasedByAsync(client, Live, attempts: 1));
        await AddInstanceAsync(Dead);
        await AddInstanceAsync(Live);

        // Just short of the stale window the silent instance is not yet presumed dead: its job waits.
        await AdvanceAsync(seconds: 14);
        Assert.Equal(Dead, (await JobAsync(deadJob)).LeaseOwner);

        // Past it (and the beat that notices), the job runs again, with 270 s of its lease still to go.
        await AdvanceAsync(seconds: 16);
        await Eventually.ReturnsAsync(() => StateIsAsync(deadJob, JobState.Complete), complete => complete, TimeSpan.FromSeconds(20));

        var untouched = await JobAsync(liveJob);
        Assert.Equal(JobState.Executing, untouched.State);
        Assert.Equal(Live, untouched.LeaseOwner);
        Assert.Equal(1, untouched.Attempts);
        var instances = await _factory.WithDbAsync(db => db.Instances.Select(i => i.Id).ToListAsync());
        string[] beating = [Live, _factory.Services.GetRequiredService<JobWorker>().InstanceId];
        Assert.Equal(beating.Order(StringComparer.Ordinal), instances.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_job_of_a_silent_instance_that_used_its_last_attempt_fails_with_its_payment_owed_back()
    {
        var client = _factory.CreateClient();
        var jobId = await PaidJobLeasedByAsync(client, Dead, attempts: 3);
        await AddInstanceAsync(Dead);

        await AdvanceAsync(seconds: 30);
        await Eventually.ReturnsAsync(() => StateIsAsync(jobId, JobState.Failed), failed => failed, TimeSpan.FromSeconds(20));

        var job = await client.GetJobAsync(jobId.ToString());
        Assert.Contains("interrupted attempts", job.Str("errorMessage"));
        Assert.Equal(job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64(), job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64());
    }

    [Fact]
    public async Task Several_instances_reaping_the_same_silent_one_at_once_release_its_jobs_once()
    {
        var client = _factory.CreateClient();
        var jobId = await PaidJobLeasedByAsync(client, Dead, attempts: 1);
        await AddInstanceAsync(Dead);
        var staleBefore = _clock.GetUtcNow() + TimeSpan.FromSeconds(1);

        var reaps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ReapAsync(Dead, staleBefore))));

        Assert.Equal([1], reaps.Where(released => released is not null).Cast<int>());
        var job = await JobAsync(jobId);
        Assert.Null(job.LeaseOwner);
        Assert.Null(job.LeaseExpiresAt);
        Assert.Equal(1, job.Attempts); // released, not counted: the claim that takes it up counts the attempt
        Assert.False(await _factory.WithDbAsync(db => db.Instances.AnyAsync(i => i.Id == Dead)));
    }

    [Fact]
    public async Task An_instance_that_beat_after_it_was_found_stale_keeps_its_jobs()
    {
        var client = _factory.CreateClient();
        var jobId = await PaidJobLeasedByAsync(client, Dead, attempts: 1);
        var foundStaleBefore = _clock.GetUtcNow();
        await AddInstanceAsync(Dead); // its beat, at the moment the reaper had judged it by

        Assert.Null(await ReapAsync(Dead, foundStaleBefore));

        Assert.Equal(Dead, (await JobAsync(jobId)).LeaseOwner);
        Assert.True(await _factory.WithDbAsync(db => db.Instances.AnyAsync(i => i.Id == Dead)));
    }

    [Fact]
    public async Task A_graceful_stop_removes_the_instance_row()
    {
        var name = $"timmy_leave_{Guid.NewGuid():N}";
        string instanceId;
        using (var first = new TimmyFactory { DatabaseName = name, KeepDatabase = true })
        {
            first.CreateClient();
            instanceId = first.Services.GetRequiredService<JobWorker>().InstanceId;
            await Eventually.ReturnsAsync(() => first.WithDbAsync(db => db.Instances.AnyAsync(i => i.Id == instanceId)), beating => beating);
        }

        using var after = new TimmyFactory { DatabaseName = name };
        Assert.False(await after.WithDbAsync(db => db.Instances.AnyAsync(i => i.Id == instanceId)));
    }

    /// <summary>
    /// Moves the clock a second at a time, the live instance beating each time, with a moment of real time for the
    /// heartbeat's pass. Tests stay far short of the 300 s lease, so only the heartbeat can release a job.
    /// </summary>
    private async Task AdvanceAsync(int seconds)
    {
        for (var second = 0; second < seconds; second++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _factory.WithDbAsync(db => db.Instances.Where(i => i.Id == Live)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.HeartbeatAt, _clock.GetUtcNow())));
            await Task.Delay(50);
        }
    }

    private async Task<int?> ReapAsync(string instance, DateTimeOffset staleBefore)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InstanceRegistry>().ReapAsync(instance, staleBefore, CancellationToken.None);
    }

    private Task<int> AddInstanceAsync(string id) => _factory.WithDbAsync(db =>
    {
        db.Instances.Add(new Instance { Id = id, StartedAt = _clock.GetUtcNow(), HeartbeatAt = _clock.GetUtcNow() });
        return db.SaveChangesAsync();
    });

    private Task<Job> JobAsync(Guid jobId) => _factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

    private async Task<bool> StateIsAsync(Guid jobId, JobState state) => (await JobAsync(jobId)).State == state;

    /// <summary>A job with its work paid, left executing under <paramref name="owner"/>'s lease for five more minutes.</summary>
    private async Task<Guid> PaidJobLeasedByAsync(HttpClient client, string owner, int attempts)
    {
        var accepted = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));
        var jobId = Guid.Parse(accepted.Str("jobId"));
        var now = _clock.GetUtcNow();
        await _factory.WithDbAsync(async db =>
        {
            await db.Invoices.Where(i => i.JobId == jobId && i.Kind == InvoiceKind.JobWork)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.PaidAt, now));
            return await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Executing)
                .SetProperty(j => j.LeaseOwner, owner)
                .SetProperty(j => j.LeaseExpiresAt, now + TimeSpan.FromMinutes(5))
                .SetProperty(j => j.Attempts, attempts));
        });
        return jobId;
    }

    public void Dispose() => _factory.Dispose();
}
