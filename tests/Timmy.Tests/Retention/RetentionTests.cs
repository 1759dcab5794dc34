using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Api.Retention;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Retention;

/// <summary>
/// Unpaid clutter goes after Retention:UnpaidDays: old unpaid jobs (with their invoice and idempotency record) and
/// sessions; anything paid, and anything recent, stays.
/// </summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset EightDaysAgo = DateTimeOffset.UtcNow.AddDays(-8);

    [Fact]
    public async Task Old_unpaid_jobs_and_sessions_are_deleted_and_paid_or_recent_ones_stay()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();
        var oldUnpaid = await CreateJobWithKeyAsync(client, "old-unpaid");
        var oldPaid = (await client.RunJobAsync("What is a satoshi?")).Str("jobId");
        var oldEvalPaid = (await client.PayEvalAsync(await client.CreateJobAsync("What is a block?"))).Str("jobId");
        var recentUnpaid = await CreateJobWithKeyAsync(client, "recent-unpaid");
        var oldUnpaidSession = (await client.CreateSessionAsync(500)).Str("sessionId");
        var (oldPaidSession, _) = await client.ActiveSessionAsync(500);
        await BackdateAsync(factory, [oldUnpaid, oldPaid, oldEvalPaid], [oldUnpaidSession, oldPaidSession]);

        var swept = await factory.Services.GetRequiredService<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal((1, 1, 0), (swept.Jobs, swept.Sessions, swept.Topups));
        await factory.WithDbAsync(async db =>
        {
            var remaining = (await db.Jobs.Select(j => j.Id).ToListAsync()).Select(g => g.ToString()).Order();
            Assert.Equal(new[] { oldPaid, oldEvalPaid, recentUnpaid }.Order(), remaining);
            Assert.DoesNotContain(await db.Invoices.Select(i => i.JobId).ToListAsync(), id => id == Guid.Parse(oldUnpaid));
            Assert.Equal(["recent-unpaid"], await db.IdempotencyKeys.Select(k => k.Key).ToListAsync());
            Assert.Equal([Guid.Parse(oldPaidSession)], await db.Sessions.Select(s => s.Id).ToListAsync());
            Assert.DoesNotContain(await db.Invoices.Select(i => i.SessionId).ToListAsync(), id => id == Guid.Parse(oldUnpaidSession));
            Assert.NotEmpty(await db.SessionLedger.ToListAsync());
            return 0;
        });
        await (await client.GetAsync($"/api/jobs/{oldUnpaid}")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("complete", (await client.GetJobAsync(oldPaid)).Str("state"));
    }

    [Fact]
    public async Task An_old_top_up_invoice_replaced_unpaid_is_deleted_and_the_session_with_its_pending_top_up_stays()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var lapsed = (await (await client.TopupAsync(id, macaroon, 200)).ReadJsonAsync()).Str("topup", "paymentRequest");
        await factory.WithDbAsync(db => db.Invoices.Where(i => i.PaymentRequest == lapsed)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.CreatedAt, EightDaysAgo)));
        var pending = await client.TopupAsync(id, macaroon, 300); // replaces the lapsed one
        Assert.Equal(HttpStatusCode.OK, pending.StatusCode);

        var swept = await factory.Services.GetRequiredService<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal((0, 1), (swept.Sessions, swept.Topups));
        var left = await factory.WithDbAsync(db => db.Invoices.Where(i => i.SessionId == Guid.Parse(id)).Select(i => i.PaymentRequest).ToListAsync());
        Assert.Equal(2, left.Count); // the paid deposit and the pending top-up
        Assert.DoesNotContain(lapsed, left);
        Assert.Equal((await pending.ReadJsonAsync()).Str("topup", "paymentRequest"), (await client.GetSessionAsync(id)).Str("pendingTopup", "paymentRequest"));
    }

    [Fact]
    public async Task A_backlog_is_deleted_in_batches_by_the_sweep_that_runs_at_startup()
    {
        var name = $"timmy_test_{Guid.NewGuid():N}";
        var jobs = new List<string>();
        using (var first = new TimmyFactory { DatabaseName = name, KeepDatabase = true })
        {
            var client = first.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                jobs.Add(await CreateJobWithKeyAsync(client, $"backlog-{i}"));
            }

            await BackdateAsync(first, jobs, []);
        }

        // A restart: the sweep runs as the host starts, two rows at a time, until the backlog is gone.
        using var second = new TimmyFactory { DatabaseName = name, Settings = { ["Retention:BatchSize"] = "2" } };
        _ = second.CreateClient();

        await Eventually.ReturnsAsync(() => second.WithDbAsync(db => db.Jobs.CountAsync()), count => count == 0);
        Assert.Equal(0, await second.WithDbAsync(db => db.Invoices.CountAsync()));
        Assert.Equal(0, await second.WithDbAsync(db => db.IdempotencyKeys.CountAsync()));
    }

    private static async Task<string> CreateJobWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { request = "What is a satoshi?" + key }) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).Str("jobId");
    }

    /// <summary>Makes jobs and sessions, with their invoices and idempotency records, eight days old.</summary>
    private static Task BackdateAsync(TimmyFactory factory, IReadOnlyCollection<string> jobIds, IReadOnlyCollection<string> sessionIds) =>
        factory.WithDbAsync(async db =>
        {
            var jobs = jobIds.Select(Guid.Parse).ToList();
            var sessions = sessionIds.Select(Guid.Parse).ToList();
            await db.Jobs.Where(j => jobs.Contains(j.Id)).ExecuteUpdateAsync(set => set.SetProperty(j => j.CreatedAt, EightDaysAgo));
            await db.Sessions.Where(s => sessions.Contains(s.Id)).ExecuteUpdateAsync(set => set.SetProperty(s => s.CreatedAt, EightDaysAgo));
            await db.IdempotencyKeys.Where(k => jobs.Contains(k.JobId)).ExecuteUpdateAsync(set => set.SetProperty(k => k.CreatedAt, EightDaysAgo));
            return await db.Invoices
                .Where(i => (i.JobId != null && jobs.Contains(i.JobId.Value)) || (i.SessionId != null && sessions.Contains(i.SessionId.Value)))
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.CreatedAt, EightDaysAgo));
        });
}
