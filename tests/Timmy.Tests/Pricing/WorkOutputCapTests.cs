using System.Text.Json;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Pricing;

/// <summary>
/// A job never costs more than it was sold for: the work call may write only the output the quote priced, and the
/// charge is capped at the price paid. The model here writes as much as it is allowed, as Claude does when asked
/// to "write 1000 words".
/// </summary>
public sealed class WorkOutputCapTests : IAsyncLifetime
{
    private readonly FakeAnthropic _anthropic = new() { WorkWritesToTheCap = true };

    public Task InitializeAsync() => _anthropic.StartAsync();

    public async Task DisposeAsync() => await _anthropic.DisposeAsync();

    [Fact]
    public async Task A_short_request_for_a_long_answer_is_cut_at_the_priced_output_and_never_costs_more_than_paid()
    {
        using var factory = new TimmyFactory { Settings = _anthropic.TimmySettings() };
        var client = factory.CreateClient();

        var job = await client.RunJobAsync("Write 1000 words about the history of Bitcoin");

        Assert.Equal("complete", job.Str("state"));
        var ledger = job.GetProperty("costLedger");
        var cap = ledger.GetProperty("outputTokenCap").GetInt32();
        Assert.Equal(256, cap); // a short request is priced for 256 output tokens
        Assert.Equal(cap, _anthropic.LastWorkMaxTokens);
        Assert.Equal(cap, ledger.GetProperty("actualOutputTokens").GetInt32());
        var paid = ledger.GetProperty("workAmountSats").GetInt64();
        var actual = ledger.GetProperty("actualAmountSats").GetInt64();
        Assert.True(actual <= paid, $"charged {actual} sats for work sold at {paid}: {JsonSerializer.Serialize(ledger)}");
        Assert.Equal(paid - actual, ledger.GetProperty("refundAmountSats").GetInt64());
        Assert.True(ledger.TryGetProperty("chargeCapped", out _));
    }

    [Fact]
    public async Task Input_the_estimate_undercounted_is_absorbed_and_the_ledger_says_the_charge_was_capped()
    {
        // The model reports far more input than the quote estimated (a provider's own tokenizer, a long system prompt).
        using var factory = new TimmyFactory
        {
            Settings = _anthropic.TimmySettings(),
            TestServices = services => services.ReplaceChatClient(Timmy.Api.Agent.AgentKeys.Work, _ => ScriptedChatClient.Using(200_000, 10)),
        };
        var client = factory.CreateClient();

        var job = await client.RunJobAsync("What is a satoshi?");

        var ledger = job.GetProperty("costLedger");
        Assert.Equal(ledger.GetProperty("workAmountSats").GetInt64(), ledger.GetProperty("actualAmountSats").GetInt64());
        Assert.Equal(0, ledger.GetProperty("refundAmountSats").GetInt64());
        Assert.True(ledger.GetProperty("chargeCapped").GetBoolean());
    }
}
