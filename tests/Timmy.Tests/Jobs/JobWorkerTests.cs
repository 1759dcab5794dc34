using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Jobs;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>Background work: abandoned jobs are taken up again, and jobs whose workers keep dying fail with their money owed back.</summary>
public sealed class JobWorkerTests : IDisposable
{
    private static readonly TimeSpan LapsedLease = TimeSpan.FromSeconds(-1);

    private readonly TimmyFactory _factory = new() { Settings = { ["Jobs:WorkerScanMilliseconds"] = "50" } };

    [Fact]
    public async Task A_job_left_executing_by_a_dead_worker_is_finished_once_its_lease_expires()
    {
        var client = _factory.CreateClient();
        var jobId = await _factory.PaidJobAbandonedInExecutingAsync(client, attempts: 1, LapsedLease);

        var job = await client.PollUntilSettledAsync(jobId.ToString());

        Assert.Equal("complete", job.Str("state"));
        var stored = await _factory.WithDbAsync(db => db.Jobs.SingleAsync());
        Assert.Null(stored.LeaseOwner);
    }

    [Fact]
    public async Task A_model_call_longer_than_the_lease_keeps_its_job_and_runs_once()
    {
        // A 1 s lease and a 4 s model, on a fake clock moved 100 ms at a time until the model returns: without renewal
        // the lease would run out ten steps after the payment and the job be claimed again. Each step waits (in real
        // time) until the worker's next renewal is set on the clock, so a worker that starts or renews late on a loaded
        // machine sets its beat where a real clock would have it, not after steps it never saw.
        var lease = TimeSpan.FromSeconds(1);
        var (renewalBeat, modelCall) = (lease / 3, TimeSpan.FromSeconds(4));
        var clock = new TimerWatchingClock();
        using var factory = new TimmyFactory
        {
            Settings = { ["Jobs:WorkerScanMilliseconds"] = "50", ["Jobs:LeaseSeconds"] = "1", ["Agent:OfflineLatencyMs"] = "4000" },
            TestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        var client = factory.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");
        var jobId = Guid.Parse(created.Str("jobId"));
        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        Task<Job> ReadJobAsync() => factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

        var (modelCalled, mostAttempts) = (false, 0);
        for (var step = 0; step < 600; step++)
        {
            var (job, _) = await Eventually.ReturnsAsync(
                async () =>
                {
                    // Looked at before the job is read, so a lease read with the beat set was written before it was set.
                    var beatSet = clock.IsWaiting(renewalBeat);
                    return (Job: await ReadJobAsync(), BeatSet: beatSet);
                },
                seen => seen.Job.State is not (JobState.AwaitingEvalPayment or JobState.Evaluating)
                    || (seen.Job.State == JobState.Evaluating && seen.BeatSet),
                TimeSpan.FromSeconds(30));
            mostAttempts = Math.Max(mostAttempts, job.Attempts);
            if (job.State != JobState.Evaluating)
            {
                break;
            }

            // The renewal due by now has been written (its loop sets the next beat only after writing): the lease is 700 ms
            // or more ahead; 600 leaves room for the database's rounding.
            Assert.True(job.LeaseExpiresAt > clock.GetUtcNow() + lease * 0.6, $"Lease {job.LeaseExpiresAt:O} at {clock.GetUtcNow():O}");
            modelCalled |= clock.IsWaiting(modelCall);
            if (modelCalled && !clock.IsWaiting(modelCall))
            {
                break; // The model has returned; what is left of the eval needs no more time.
            }

            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        // The clock stands still from here: the lease cannot run out while the worker finishes the eval.
        var finished = await Eventually.ReturnsAsync(ReadJobAsync, job => job.State != JobState.Evaluating, TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.AwaitingWorkPayment, finished.State);
        Assert.Equal(1, Math.Max(mostAttempts, finished.Attempts));
    }

    [Fact]
    public async Task A_job_whose_workers_keep_dying_fails_with_the_work_amount_owed_back()
    {
        var client = _factory.CreateClient();
        var jobId = await _factory.PaidJobAbandonedInExecutingAsync(client, attempts: 3, LapsedLease);

        var job = await client.PollUntilSettledAsync(jobId.ToString());

        Assert.Equal("failed", job.Str("state"));
        Assert.Contains("interrupted attempts", job.Str("errorMessage"));
        Assert.Equal(job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64(), job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64());
        Assert.Equal("pending", job.Str("costLedger", "refundState"));
    }

    [Fact]
    public async Task A_stale_worker_deferring_its_job_does_not_cut_short_the_lease_of_the_worker_that_took_it_over()
    {
        var client = _factory.CreateClient();
        var later = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5);
        var jobId = await _factory.PaidJobAbandonedInExecutingAsync(client, attempts: 2, leaseExpiresIn: TimeSpan.FromMinutes(5));
        var expires = (await _factory.WithDbAsync(db => db.Jobs.SingleAsync())).LeaseExpiresAt;

        await using var scope = _factory.Services.CreateAsyncScope();
        var leases = scope.ServiceProvider.GetRequiredService<JobLeases>();
        // The job's first worker (attempt 1) outlived its lease; "a-worker-that-died" holds attempt 2 now.
        await leases.DeferAsync(new JobLease(jobId, 1, "a-worker-that-died"), JobState.Executing, DateTimeOffset.UtcNow, CancellationToken.None);
        await leases.DeferAsync(new JobLease(jobId, 2, "another-worker"), JobState.Executing, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(expires, (await _factory.WithDbAsync(db => db.Jobs.SingleAsync())).LeaseExpiresAt);
        await leases.DeferAsync(new JobLease(jobId, 2, "a-worker-that-died"), JobState.Executing, later, CancellationToken.None);
        Assert.Equal(later.ToUnixTimeSeconds(), (await _factory.WithDbAsync(db => db.Jobs.SingleAsync())).LeaseExpiresAt?.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_paid_job_is_leased_by_the_move_that_records_its_payment_and_starts_without_a_claim()
    {
        var sql = new SqlLog();
        using var factory = new TimmyFactory { Settings = { ["Jobs:WorkerScanMilliseconds"] = "600000" }, TestServices = sql.InstallIn };
        var client = factory.CreateClient();
        // The worker claims once as it starts; with scans this rare, any later claim would be for the job.
        await Eventually.IsTrueAsync(() => sql.Queries.Any(IsClaim));
        sql.Clear();

        var job = await client.RunJobAsync("What is a satoshi?");

        Assert.Equal("complete", job.Str("state"));
        Assert.DoesNotContain(sql.Queries, IsClaim);
    }

    [Fact]
    public async Task A_job_paid_while_the_worker_is_full_is_claimed_as_soon_as_a_place_frees()
    {
        // One place, scans too rare to help: the second job must be claimed when the first one's work ends.
        using var factory = new TimmyFactory
        {
            Settings = { ["Jobs:WorkerConcurrency"] = "1", ["Jobs:WorkerScanMilliseconds"] = "600000", ["Agent:OfflineLatencyMs"] = "300" },
        };
        var client = factory.CreateClient();
        var (first, second) = (await client.CreateJobAsync("What is a satoshi?"), await client.CreateJobAsync("What is a channel?"));

        await client.PayAsync(first.Str("evalInvoice", "paymentHash"));
        await Eventually.ReturnsAsync(() => client.GetJobAsync(first.Str("jobId")), job => job.Str("state") == "evaluating");
        await client.PayAsync(second.Str("evalInvoice", "paymentHash"));

        Assert.Equal("awaiting_work_payment", (await client.PollUntilSettledAsync(first.Str("jobId"))).Str("state"));
        Assert.Equal("awaiting_work_payment", (await client.PollUntilSettledAsync(second.Str("jobId"))).Str("state"));
    }

    [Fact]
    public async Task A_place_reserved_for_a_move_that_was_lost_is_given_back()
    {
        // One place: a reservation that kept its place after losing its move would leave the worker full for good.
        using var factory = new TimmyFactory { Settings = { ["Jobs:WorkerConcurrency"] = "1", ["Jobs:WorkerScanMilliseconds"] = "600000" } };
        var client = factory.CreateClient();
        var worker = factory.Services.GetRequiredService<JobWorker>();
        // The worker's first claim, as it starts, holds its place while it runs.
        await Eventually.IsTrueAsync(() =>
        {
            var free = worker.ReservePlace();
            worker.AfterPaymentMove(Guid.NewGuid(), free, won: false);
            return free is not null;
        });

        var lost = worker.ReservePlace();
        Assert.NotNull(lost);
        Assert.Null(worker.ReservePlace());
        worker.AfterPaymentMove(Guid.NewGuid(), lost, won: false);

        Assert.Equal("complete", (await client.RunJobAsync("What is a satoshi?")).Str("state"));
    }

    [Fact]
    public async Task A_live_lease_is_left_alone()
    {
        var sql = new SqlLog();
        using var factory = new TimmyFactory { Settings = { ["Jobs:WorkerScanMilliseconds"] = "50" }, TestServices = sql.InstallIn };
        var client = factory.CreateClient();
        var jobId = await factory.PaidJobAbandonedInExecutingAsync(client, attempts: 1, leaseExpiresIn: TimeSpan.FromMinutes(5));
        sql.Clear();

        // Two claims begun since the lease was written: the first has finished, since the loop claims one pass at a time.
        await Eventually.IsTrueAsync(() => sql.Queries.Count(IsClaim) >= 2);

        var job = await factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));
        Assert.Equal((JobState.Executing, "a-worker-that-died", 1), (job.State, job.LeaseOwner, job.Attempts));
        Assert.Equal("executing", (await client.GetJobAsync(jobId.ToString())).Str("state"));
    }

    [Fact]
    public async Task Graceful_shutdown_finishes_the_work_in_flight()
    {
        var name = $"timmy_shutdown_{Guid.NewGuid():N}";
        string jobId;
        using (var slow = new TimmyFactory { DatabaseName = name, KeepDatabase = true, Settings = { ["Agent:OfflineLatencyMs"] = "1500" } })
        {
            var client = slow.CreateClient();
            var accepted = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));
            jobId = accepted.Str("jobId");
            await client.PayAsync(accepted.Str("workInvoice", "paymentHash"));
            Assert.Equal("executing", (await client.GetJobAsync(jobId)).Str("state"));
            await WaitUntilLeasedAsync(slow);
        }

        // The first host has stopped; its worker waited for the model rather than abandoning the paid work.
        using var after = new TimmyFactory { DatabaseName = name, Settings = { ["Jobs:WorkerConcurrency"] = "1" } };
        var job = await after.WithDbAsync(db => db.Jobs.SingleAsync());
        Assert.Equal(JobState.Complete, job.State);
        Assert.Null(job.LeaseOwner);
    }

    private static async Task WaitUntilLeasedAsync(TimmyFactory factory)
    {
        for (var i = 0; i < 200 && await factory.WithDbAsync(db => db.Jobs.AnyAsync(j => j.LeaseOwner == null)); i++)
        {
            await Task.Delay(10);
        }
    }

    public void Dispose() => _factory.Dispose();

    private static bool IsClaim(string sql) => sql.Contains("RETURNING", StringComparison.Ordinal) && sql.Contains("\"LeaseOwner\" =", StringComparison.Ordinal);
}
