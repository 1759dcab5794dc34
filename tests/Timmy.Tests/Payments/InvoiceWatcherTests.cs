using Microsoft.EntityFrameworkCore;
using Timmy.Api.Agent;
using Timmy.Api.Jobs;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// Jobs advance when their invoices are paid, with no client polling: through the node's settlement feed,
/// or, when that is unavailable, through the watcher's own polling.
/// </summary>
public sealed class InvoiceWatcherTests
{
    /// <summary>So long that only the settlement feed can explain a move within the test.</summary>
    private const string PollRarely = "600000";

    [Fact]
    public async Task Lnbits_websocket_notifications_advance_a_job_through_both_payments()
    {
        await using var node = new FakeLnbits();
        await node.StartAsync();
        using var factory = Factory(node.TimmySettings(), PollRarely);
        var jobId = await CreateJobAsync(factory);
        await Eventually.IsTrueAsync(() => node.WebSocketSubscribers > 0);

        await node.SettleAsync(node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex);
        var accepted = await StateBecomesAsync(factory, jobId, JobState.AwaitingWorkPayment);
        await node.SettleAsync(node.Book.ByPaymentRequest(accepted.WorkInvoice!.PaymentRequest).HashHex);

        var done = await StateBecomesAsync(factory, jobId, JobState.Complete);
        Assert.False(string.IsNullOrEmpty(done.Result));
    }

    [Fact]
    public async Task Without_the_websocket_polling_still_notices_the_payment()
    {
        await using var node = new FakeLnbits { RefuseWebSockets = true };
        await node.StartAsync();
        using var factory = Factory(node.TimmySettings(), pollIntervalMs: "100");
        var jobId = await CreateJobAsync(factory);

        await node.SettleAsync(node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex);

        await StateBecomesAsync(factory, jobId, JobState.AwaitingWorkPayment);
    }

    [Fact]
    public async Task Lnd_invoice_subscription_advances_a_job()
    {
        await using var node = new FakeLnd();
        await node.StartAsync();
        using var factory = Factory(node.TimmySettings(), PollRarely);
        var jobId = await CreateJobAsync(factory);
        await Eventually.IsTrueAsync(() => node.Subscribers > 0);

        node.Settle(node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex);

        await StateBecomesAsync(factory, jobId, JobState.AwaitingWorkPayment);
    }

    [Fact]
    public async Task The_stub_announces_simulated_payments_to_the_watcher_when_asked_to()
    {
        using var factory = Factory(new() { ["Lightning:Backend"] = "stub", ["Lightning:WatchInvoices"] = "true" }, PollRarely);
        var client = factory.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");

        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));

        await StateBecomesAsync(factory, Guid.Parse(created.Str("jobId")), JobState.AwaitingWorkPayment);
    }

    [Fact]
    public async Task Repeated_notifications_and_concurrent_polls_make_exactly_one_eval_call()
    {
        await using var node = new FakeLnbits();
        await node.StartAsync();
        CountingChatClient? eval = null;
        using var factory = new TimmyFactory
        {
            Settings = node.TimmySettings().With(("Lightning:WatchInvoices", "true"), ("Lightning:PollIntervalMs", "50")),
            TestServices = s => s.ReplaceChatClient(AgentKeys.Eval, inner => eval = new CountingChatClient(inner)),
        };
        var client = factory.CreateClient();
        var jobId = await CreateJobAsync(factory);
        await Eventually.IsTrueAsync(() => node.WebSocketSubscribers > 0);
        var hash = node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex;

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => node.SettleAsync(hash))
            .Concat(Enumerable.Range(0, 20).Select(_ => client.GetJobAsync(jobId.ToString()))));
        await StateBecomesAsync(factory, jobId, JobState.AwaitingWorkPayment);

        Assert.Equal(1, eval!.Calls);
    }

    [Fact]
    public async Task While_the_feed_is_up_pending_invoices_are_polled_only_rarely()
    {
        await using var node = new FakeLnbits();
        await node.StartAsync();
        using var factory = Factory(node.TimmySettings(), pollIntervalMs: "50");
        await CreateJobAsync(factory);
        await Eventually.IsTrueAsync(() => node.WebSocketSubscribers > 0);
        // Polls begun at the fast pace before the feed came up may still land: wait until the count stops changing.
        var before = await Quiet.CountAsync(() => node.Requests, TimeSpan.FromSeconds(1));

        await Task.Delay(1000);

        // At the fast pace this would be about 20 status checks of the pending invoice; a loaded machine still makes several.
        Assert.Equal(before, node.Requests);
        // And the silence was the feed's doing, not a stalled watcher: without the feed it polls again.
        var checks = node.PaymentChecks;
        await node.DropWebSocketsAsync();
        await Eventually.IsTrueAsync(() => node.PaymentChecks > checks);
    }

    [Fact]
    public async Task When_the_feed_drops_polling_resumes_at_the_fast_pace()
    {
        await using var node = new FakeLnbits();
        await node.StartAsync();
        using var factory = Factory(node.TimmySettings(), pollIntervalMs: "50");
        var jobId = await CreateJobAsync(factory);
        await Eventually.IsTrueAsync(() => node.WebSocketSubscribers > 0);

        await node.DropWebSocketsAsync();
        await Eventually.IsTrueAsync(() => node.WebSocketSubscribers == 0);
        await node.SettleAsync(node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex);

        // Within the test's bound, long before the 60 s listening interval would have come round.
        await StateBecomesAsync(factory, jobId, JobState.AwaitingWorkPayment);
    }

    [Fact]
    public async Task Polling_pages_through_all_pending_invoices()
    {
        await using var node = new FakeLnbits { RefuseWebSockets = true };
        await node.StartAsync();
        using var factory = new TimmyFactory
        {
            Settings = node.TimmySettings().With(("Lightning:WatchInvoices", "true"), ("Lightning:PollIntervalMs", "50"), ("Lightning:PollBatchSize", "2")),
        };
        var jobIds = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            jobIds.Add(await CreateJobAsync(factory));
        }

        // The newest invoice is on the third page of two.
        await node.SettleAsync(node.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobIds[^1])).HashHex);

        await StateBecomesAsync(factory, jobIds[^1], JobState.AwaitingWorkPayment);
    }

    private static TimmyFactory Factory(Dictionary<string, string?> settings, string pollIntervalMs) => new()
    {
        Settings = new Dictionary<string, string?>(settings) { ["Lightning:PollIntervalMs"] = pollIntervalMs },
    };

    private static Task<Guid> CreateJobAsync(TimmyFactory factory) => factory.CreateClient().CreateJobIdAsync();

    private static Task<string> EvalRequestAsync(TimmyFactory factory, Guid jobId) =>
        factory.WithDbAsync(db => db.Invoices.Where(i => i.JobId == jobId).Select(i => i.PaymentRequest).SingleAsync());

    /// <summary>Reads the job from the database (not the API, which would advance it itself) until it reaches the state.</summary>
    private static async Task<Job> StateBecomesAsync(TimmyFactory factory, Guid jobId, JobState state)
    {
        var job = await Eventually.ReturnsAsync(
            () => factory.WithDbAsync(db => db.Jobs.AsNoTracking().Include(j => j.Invoices).SingleAsync(j => j.Id == jobId)),
            job => job.State == state || job.State is JobState.Failed or JobState.Rejected);
        Assert.Equal(state, job.State);
        return job;
    }
}
