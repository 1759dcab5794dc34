using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;
using Timmy.Api.OpenAI;
using Timmy.Tests.Chat;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>/v1 over a real OpenAI-compatible upstream (a loopback fake), and streams cut short at either end.</summary>
public sealed class OpenAIUpstreamTests : IAsyncLifetime
{
    private const string Model = "qwen2.5:7b";
    private readonly FakeOllama _upstream = new();
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _upstream.StartAsync();
        _factory = new TimmyFactory { Settings = _upstream.TimmySettings() };
        _factory.Settings["Sessions:MinimumBalanceSats"] = "1";
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task The_upstream_model_is_listed_by_its_own_name_and_a_completion_is_charged_its_reported_usage()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        var models = await (await _client.GetAsync("/v1/models")).ReadJsonAsync();
        Assert.Equal(Model, models.GetProperty("data")[0].Str("id"));
        Assert.Equal("openai-compatible", models.GetProperty("data")[0].Str("owned_by"));

        var response = await _client.CompleteAsync(authorization, V1Client.Ask(model: Model));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = await response.ReadJsonAsync();
        Assert.Equal(FakeOllama.WorkAnswer, completion.GetProperty("choices")[0].GetProperty("message").Str("content"));
        Assert.Equal(FakeOllama.Usage.Prompt, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(FakeOllama.Usage.Completion, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(Model, _upstream.LastModel);
        // 40 in at $3/M + 12 out at $15/M + $0.001, plus 25%, at $100,000: 0.00148 USD → 2 sats (rounded up).
        Assert.Equal(2, response.Header(MeteredCall.CostHeader));
        Assert.Equal([2L], await _factory.DebitsAsync(sessionId));
    }

    [Theory]
    [InlineData("max_tokens", false)]
    [InlineData("max_completion_tokens", true)]
    public async Task Max_tokens_temperature_stop_and_an_assistant_turn_reach_the_upstream(string capField, bool stream)
    {
        var (authorization, _) = await _client.BuyKeyAsync(_factory);

        var response = await _client.CompleteAsync(authorization, V1Client.Conversation(Model, capField, stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = _upstream.LastWorkBody!.Value;
        // The OpenAI SDK under Microsoft.Extensions.AI names the cap max_completion_tokens; older servers read max_tokens.
        var cap = sent.TryGetProperty("max_completion_tokens", out var named) ? named : sent.GetProperty("max_tokens");
        Assert.Equal(V1Client.ConversationCap, cap.GetInt32());
        Assert.Equal(0.25, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(V1Client.ConversationStop, sent.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        var messages = sent.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m.Str("role")));
        Assert.Equal(V1Client.ConversationAssistantTurn, messages[2].GetProperty("content").ToString());
    }

    [Fact]
    public async Task A_streamed_completion_relays_the_upstream_chunks_and_its_usage()
    {
        var (authorization, _) = await _client.BuyKeyAsync(_factory);

        var events = await (await _client.CompleteAsync(authorization, V1Client.Ask(model: Model, stream: true, includeUsage: true))).ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        var usage = JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage");
        Assert.Equal(FakeOllama.Usage.Completion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("cost_sats").GetInt64());
    }

    [Fact]
    public async Task An_upstream_that_drops_the_stream_mid_way_ends_it_with_an_error_and_charges_what_arrived_never_zero()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        _upstream.DropStreamAfterChunks = 1;

        var response = await _client.CompleteAsync(authorization, V1Client.Ask(model: Model, maxTokens: 500, stream: true, includeUsage: true));

        var events = await response.ReadEventsAsync();
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal("upstream_error", JsonDocument.Parse(events[^1]).RootElement.GetProperty("error").Str("code"));
        var relayed = string.Concat(events.Select(e => JsonDocument.Parse(e).RootElement)
            .Where(e => e.TryGetProperty("choices", out _)).Select(e => e.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : ""));
        Assert.Equal(FakeOllama.WorkChunks[0], relayed);
        Assert.Equal(1, _upstream.Requests);
        var debit = Assert.Single(await _factory.DebitsAsync(sessionId));
        var reserved = await _factory.WithDbAsync(db => db.SessionRequests.Select(r => r.ReservedSats).SingleAsync());
        Assert.InRange(debit, 1, reserved - 1);
        var session = await _factory.SessionAsync(sessionId);
        Assert.Equal(1000 - debit, session.BalanceSats);
        Assert.Equal(0, session.ReservedSats);
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _upstream.DisposeAsync();
    }
}

/// <summary>A client that hangs up mid-stream, over a real socket: the stream settles at the tokens relayed, never zero.</summary>
public sealed class AbandonedStreamTests : IDisposable
{
    private readonly StreamingChatClientDouble _model = new("Partial ", "answer ") { FirstCallWaitsForCancellation = true };
    private readonly TimmyFactory _factory;
    private readonly HttpClient _client;

    public AbandonedStreamTests()
    {
        _factory = new TimmyFactory
        {
            Settings = { ["Sessions:MinimumBalanceSats"] = "1" },
            TestServices = s => s.AddKeyedSingleton<IChatClient>(AgentKeys.Work, _model),
        };
        _factory.UseKestrel(0);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task A_stream_the_client_abandons_is_charged_for_what_was_produced()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        var request = new HttpRequestMessage(HttpMethod.Post, V1Client.Completions) { Content = System.Net.Http.Json.JsonContent.Create(V1Client.Ask(stream: true)) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var seen = "";
            while (!seen.Contains("answer ", StringComparison.Ordinal))
            {
                seen += await reader.ReadLineAsync() + "\n";
            }
        }

        await _model.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var debits = await Eventually.ReturnsAsync(() => _factory.DebitsAsync(sessionId), d => d.Count == 1);
        Assert.True(debits[0] > 0);
        var session = await _factory.SessionAsync(sessionId);
        Assert.Equal(0, session.ReservedSats);
        Assert.Equal(1000 - debits[0], session.BalanceSats);
    }

    public void Dispose() => _factory.Dispose();
}
