using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Timmy.Api.Agent;
using Timmy.Api.Http;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;
using Timmy.Tests.OpenAI;

namespace Timmy.Tests.Web;

/// <summary>Per-client limits on creating jobs and sessions and on open streams (counted per <c>ClientKey</c>).</summary>
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

    [Fact]
    public async Task Streamed_v1_completions_count_against_the_same_stream_cap_and_plain_ones_do_not()
    {
        var factory = new TimmyFactory
        {
            Settings = { ["Streams:MaxPerClient"] = "2" },
            TestServices = s =>
            {
                s.AddTestPeers();
                s.ReplaceChatClient(AgentKeys.Work, offline => new HeldOpenStreams(offline));
            },
        };
        _factories.Add(factory);
        var alice = factory.ClientFrom("198.51.100.1");
        var bob = factory.ClientFrom("198.51.100.2");
        var (key, _) = await alice.BuyKeyAsync(factory);
        var jobId = (await alice.CreateJobIdAsync()).ToString();
        await using var events = await JobEventStream.OpenAsync(alice, jobId);
        var first = await StreamAsync(alice, key);

        var third = await StreamAsync(alice, key);
        var plain = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => alice.CompleteAsync(key, V1Client.Ask(maxTokens: 50))));
        var jobEvents = await alice.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead);
        using var bobs = await StreamAsync(bob, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var error = await third.AssertOpenAIErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limit_exceeded", error.Str("code"));
        Assert.Contains("at most 2 per client", error.Str("message"));
        Assert.Equal(StreamLimiter.RetryAfterSeconds.ToString(), third.Headers.RetryAfter?.ToString());
        Assert.All(plain, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await jobEvents.AssertErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
        first.Dispose();
        var again = await Eventually.ReturnsAsync(() => StreamAsync(alice, key), response => response.StatusCode == HttpStatusCode.OK);
        again.Dispose();
    }

    private static Task<HttpResponseMessage> StreamAsync(HttpClient client, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, V1Client.Completions) { Content = JsonContent.Create(V1Client.Ask(stream: true)) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private TimmyFactory Factory(params (string Key, string Value)[] settings)
    {
        var factory = TestPeers.FactoryWithPeers(settings);
        _factories.Add(factory);
        return factory;
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());

    /// <summary>The offline model, whose streams stay open after their first words until the client leaves.</summary>
    private sealed class HeldOpenStreams(IChatClient offline) : DelegatingChatClient(offline)
    {
        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "A satoshi ");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
