using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;
using Timmy.Api.OpenAI;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>A provider that reports no usage is charged the tokens counted here; one that produced nothing costs nothing.</summary>
public sealed class UsageFallbackTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    private (TimmyFactory Factory, HttpClient Client) Start(IChatClient model)
    {
        var factory = new TimmyFactory
        {
            Settings = { ["Sessions:MinimumBalanceSats"] = "1" },
            TestServices = s => s.AddKeyedSingleton(AgentKeys.Work, model),
        };
        _factories.Add(factory);
        return (factory, factory.CreateClient());
    }

    [Fact]
    public async Task A_stream_whose_provider_reports_no_usage_is_charged_the_tokens_counted_here()
    {
        var (factory, client) = Start(new StreamingChatClientDouble("Lightning ", "is ", "fast."));
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var events = await (await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 100, stream: true, includeUsage: true))).ReadEventsAsync();

        var usage = JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt64()); // "Lightning is fast." in o200k: Lightning, is, fast, .
        var cost = usage.GetProperty("cost_sats").GetInt64();
        Assert.True(cost > 0);
        Assert.Equal([cost], await factory.DebitsAsync(sessionId));
    }

    [Fact]
    public async Task An_answer_that_produced_nothing_costs_nothing()
    {
        var (factory, client) = Start(new StreamingChatClientDouble());
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var events = await (await client.CompleteAsync(authorization, V1Client.Ask(stream: true, includeUsage: true))).ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(0, JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").GetProperty("cost_sats").GetInt64());
        Assert.Empty(await factory.DebitsAsync(sessionId));
        var session = await factory.SessionAsync(sessionId);
        Assert.Equal(1000, session.BalanceSats);
        Assert.Equal(0, session.ReservedSats);
    }

    [Fact]
    public async Task A_model_that_fails_before_answering_is_a_502_in_OpenAI_shape_and_costs_nothing()
    {
        var (factory, client) = Start(new StreamingChatClientDouble()); // it does not answer unstreamed calls: it throws
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var response = await client.CompleteAsync(authorization);

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.BadGateway);
        Assert.Equal("api_error", error.Str("type"));
        Assert.Equal(0, response.Header(MeteredCall.CostHeader));
        Assert.Equal(1000, response.Header(MeteredCall.BalanceHeader));
        Assert.Empty(await factory.DebitsAsync(sessionId));
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
    }
}
