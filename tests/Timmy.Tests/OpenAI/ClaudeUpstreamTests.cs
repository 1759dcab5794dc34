using System.Net;
using System.Text.Json;
using Timmy.Api.OpenAI;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>/v1 on Claude (a loopback fake of the Messages API): the model by Anthropic's name, charged Anthropic's usage.</summary>
public sealed class ClaudeUpstreamTests : IAsyncLifetime
{
    private const string Model = "claude-sonnet-4-6";
    private readonly FakeAnthropic _upstream = new();
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _upstream.StartAsync();
        _factory = new TimmyFactory { Settings = _upstream.TimmySettings() };
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Claude_is_listed_by_its_own_name_and_completes_plain_and_streamed_at_its_reported_usage()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        var listed = (await (await _client.GetAsync("/v1/models")).ReadJsonAsync()).GetProperty("data")[0];
        Assert.Equal(Model, listed.Str("id"));
        Assert.Equal("anthropic", listed.Str("owned_by"));

        var plain = await _client.CompleteAsync(authorization, V1Client.Ask(model: Model));
        var streamed = await (await _client.CompleteAsync(authorization, V1Client.Ask(model: Model, stream: true, includeUsage: true))).ReadEventsAsync();

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var completion = await plain.ReadJsonAsync();
        Assert.Equal(FakeAnthropic.WorkAnswer, completion.GetProperty("choices")[0].GetProperty("message").Str("content"));
        Assert.Equal(FakeAnthropic.WorkUsage.Output, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        // 57 in at $3/M + 23 out at $15/M + $0.001, plus 25%, at $100,000: 0.001895 USD → 2 sats.
        Assert.Equal(2, plain.Header(MeteredCall.CostHeader));
        Assert.Equal(Model, _upstream.LastRequest?.Model);
        Assert.Equal("[DONE]", streamed[^1]);
        var usage = JsonDocument.Parse(streamed[^2]).RootElement.GetProperty("usage");
        Assert.Equal(FakeAnthropic.WorkUsage.Output, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal([2L, usage.GetProperty("cost_sats").GetInt64()], await _factory.DebitsAsync(sessionId));
    }

    [Fact]
    public async Task Max_tokens_stop_and_an_assistant_turn_reach_Claude_in_its_own_wire_format()
    {
        var (authorization, _) = await _client.BuyKeyAsync(_factory);

        var response = await _client.CompleteAsync(authorization, V1Client.Conversation(Model, "max_completion_tokens"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = _upstream.LastWorkBody!.Value;
        Assert.Equal(V1Client.ConversationCap, sent.GetProperty("max_tokens").GetInt32());
        // The Messages API deprecated temperature for current models, and the SDK (13.x) no longer sends it.
        Assert.False(sent.TryGetProperty("temperature", out _));
        Assert.Equal(V1Client.ConversationStop, sent.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
        // The system prompt travels apart in the Messages API; the turns alternate user, assistant, user.
        var messages = sent.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.Str("role")));
        Assert.Contains(V1Client.ConversationAssistantTurn, messages[1].GetProperty("content").ToString());
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _upstream.DisposeAsync();
    }
}
