using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Jobs;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// Many workers claiming over the same abandoned jobs at once each get jobs no other got, and together every job:
/// on SQLite the one UPDATE … RETURNING, on PostgreSQL (CI's second pass, TIMMY_TEST_POSTGRES) FOR UPDATE SKIP LOCKED.
/// </summary>
public sealed class ConcurrentClaimTests : IDisposable
{
    private const int Jobs = 24;
    private const int Claimers = 8;

    // The app's own worker scans rarely and sees these leases as live (its clock is the real one).
    private readonly TimmyFactory _factory = new() { Settings = { ["Jobs:WorkerScanMilliseconds"] = "600000" } };

    [Fact]
    public async Task Concurrent_claims_over_the_same_abandoned_jobs_are_disjoint_and_cover_every_job()
    {
        var client = _factory.CreateClient();
        var jobIds = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            // Paid, and its worker died holding it: the lease is still live by the real clock.
            jobIds.Add(await _factory.PaidJobAbandonedInExecutingAsync(client, attempts: 1, TimeSpan.FromMinutes(5)));
        }

        // The claimers' clock is ten minutes ahead: to them every one of those leases has run out.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10));
        // Claims go in rounds: every claimer claims at once, then all wait for the round to end, so no claimer can
        // drain the jobs alone however the threads are scheduled. They stop together after a round that found nothing.
        using var round = new Barrier(Claimers);
        var claimedInRound = new int[Jobs + 1];
        var claims = Enumerable.Range(0, Claimers).Select(n => Task.Factory.StartNew(() =>
        {
            var mine = new List<JobLease>();
            for (var r = 0; ; r++)
            {
                round.SignalAndWait();
                IReadOnlyList<JobLease> batch;
                try
                {
                    batch = _factory.WithDbAsync(db => new JobLeases(db, later).ClaimAsync($"worker-{n}", 3, TimeSpan.FromMinutes(5), CancellationToken.None))
                        .GetAwaiter().GetResult();
                }
                catch
                {
                    round.RemoveParticipant(); // the others go on without this one rather than wait for it forever
                    throw;
                }

                mine.AddRange(batch);
                Interlocked.Add(ref claimedInRound[r], batch.Count);
                round.SignalAndWait();
                if (Volatile.Read(ref claimedInRound[r]) == 0)
                {
                    return mine;
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        var leases = (await Task.WhenAll(claims)).SelectMany(l => l).ToList();

        Assert.Equal(leases.Count, leases.Select(l => l.JobId).Distinct().Count());
        Assert.Equal(jobIds.Order(), leases.Select(l => l.JobId).Order());
        Assert.True(leases.Select(l => l.Owner).Distinct().Count() > 1, "only one claimer got any job: nothing raced");
        Assert.True(claimedInRound[0] > 3, "the first round's claims went together");
        var stored = await _factory.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToListAsync());
        Assert.All(stored, job => Assert.Equal(leases.Single(l => l.JobId == job.Id).Owner, job.LeaseOwner));
        Assert.All(stored, job => Assert.Equal(2, job.Attempts));
    }

    public void Dispose() => _factory.Dispose();
}
