using System.Net;
using System.Net.Http.Json;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Web;

/// <summary>Per-client limits on creating jobs and sessions and on open event streams (counted per <c>ClientKey</c>).</summary>
public sealed class ClientLimitTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    [Fact]
    public async Task Creating_jobs_and_sessions_is_limited_per_client_with_a_429_and_retry_after()
    {
        var factory = Factory(("CreationRateLimit:PermitsPerMinute", "3"));
        var alice = factory.ClientFrom("198.51.100.1");
        var bob = factory.ClientFrom("2001:db8:5:6::1");
        await alice.CreateJobAsync("What is a satoshi?");
        await alice.CreateSessionAsync(1000);
        await alice.CreateJobAsync("What is a channel?");

        var job = await alice.PostAsJsonAsync("/api/jobs", new { request = "One more" });
        var session = await alice.PostAsJsonAsync("/api/sessions", new { amount_sats = 1000 });

        Assert.Contains("at most 3 jobs or sessions created per minute", await job.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.InRange(int.Parse(job.Headers.RetryAfter!.ToString()), 1, 60);
        await session.AssertErrorAsync(HttpStatusCode.TooManyRequests);
        // Another client is not held back, and reading is not limited.
        await bob.CreateJobAsync("What is a satoshi?");
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/healthz")).StatusCode);
    }

    [Fact]
    public async Task Zero_turns_the_creation_limit_off()
    {
        var alice = Factory(("CreationRateLimit:PermitsPerMinute", "0")).ClientFrom("198.51.100.1");

        for (var i = 0; i < 5; i++)
        {
            await alice.CreateJobAsync($"Question {i}");
        }
    }

    [Fact]
    public async Task A_client_may_hold_at_most_max_per_client_streams_open_across_jobs_and_chat()
    {
        // Chat open to all (Chat:Free), so the stream cap is what refuses, not the payment boundary.
        var factory = Factory(("Streams:MaxPerClient", "2"), ("Chat:Free", "true"));
        var alice = factory.ClientFrom("198.51.100.1");
        var bob = factory.ClientFrom("198.51.100.2");
        var jobId = (await alice.CreateJobIdAsync()).ToString();
        var conversation = await alice.CreateConversationAsync();
        var first = await JobEventStream.OpenAsync(alice, jobId);
        await using var second = await JobEventStream.OpenAsync(alice, jobId);

        var third = await alice.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead);
        var chat = await alice.PostAsJsonAsync($"{ChatApiClient.Conversations}/{conversation}/messages", new { content = "hi" });
        await using var others = await JobEventStream.OpenAsync(bob, jobId);

        Assert.Contains("at most 2 per client", await third.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        await chat.AssertErrorAsync(HttpStatusCode.TooManyRequests);
        await first.DisposeAsync();
        var again = await Eventually.ReturnsAsync(
            () => alice.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead),
            response => response.StatusCode == HttpStatusCode.OK);
        again.Dispose();
    }

    private TimmyFactory Factory(params (string Key, string Value)[] settings)
    {
        var factory = TestPeers.FactoryWithPeers(settings);
        _factories.Add(factory);
        return factory;
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
