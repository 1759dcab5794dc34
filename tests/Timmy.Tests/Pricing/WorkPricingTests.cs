using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Agent;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Pricing;

public sealed class WorkPricingTests
{
    [Fact]
    public async Task The_work_invoice_is_priced_from_cost_and_shows_its_breakdown()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();

        var job = await client.PayEvalAsync(await client.CreateJobAsync("Explain the Lightning Network in two sentences"));

        var breakdown = job.GetProperty("pricingBreakdown");
        var estimatedUsd = breakdown.GetProperty("estimatedCostUsd").GetDecimal();
        Assert.Equal(25m, breakdown.GetProperty("marginPct").GetDecimal());
        Assert.Equal(100_000m, breakdown.GetProperty("btcPriceUsd").GetDecimal());
        Assert.InRange(estimatedUsd, 0.001m, 0.05m);
        var amount = job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64();
        Assert.Equal((long)Math.Ceiling(estimatedUsd / 100_000m * 100_000_000m), amount);
        Assert.StartsWith($"lnbcrt{amount}u1stub_", job.Str("workInvoice", "paymentRequest"));
    }

    [Fact]
    public async Task The_estimate_uses_the_work_model_rates_tokens_infra_and_margin_from_configuration()
    {
        using var factory = new TimmyFactory
        {
            Settings =
            {
                ["Agent:WorkModel"] = "claude-haiku-4-5",
                ["Pricing:InfraCostUsdPerRequest"] = "0",
                ["Pricing:MarginPct"] = "0",
                ["Pricing:ShortOutputTokens"] = "1000",
                ["Pricing:BtcPriceUsdFallback"] = "50000",
            },
        };
        var client = factory.CreateClient();

        var job = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));

        var stored = await factory.WithDbAsync(db => db.Jobs.SingleAsync());
        var expectedUsd = (stored.EstimatedInputTokens!.Value * 1m + 1000 * 5m) / 1_000_000m;
        Assert.Equal(1000, stored.EstimatedOutputTokens);
        Assert.Equal(expectedUsd, job.GetProperty("pricingBreakdown").GetProperty("estimatedCostUsd").GetDecimal());
        Assert.Equal(50_000m, job.GetProperty("pricingBreakdown").GetProperty("btcPriceUsd").GetDecimal());
        Assert.Equal((long)Math.Ceiling(expectedUsd / 50_000m * 100_000_000m), job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64());
    }

    [Fact]
    public async Task Longer_requests_are_estimated_to_need_more_output()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();

        var shortJob = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));
        var longJob = await client.PayEvalAsync(await client.CreateJobAsync("Summarise: " + string.Join(' ', Enumerable.Repeat("channel", 60))));

        Assert.True(Amount(longJob) > Amount(shortJob));
    }

    [Fact]
    public async Task A_completed_job_shows_an_honest_cost_ledger_with_the_overpayment_owed_back()
    {
        using var factory = new TimmyFactory();

        var job = await factory.CreateClient().RunJobAsync("Explain the Lightning Network in two sentences");

        var ledger = job.GetProperty("costLedger");
        var stored = await factory.WithDbAsync(db => db.Jobs.SingleAsync());
        Assert.Equal(stored.WorkInputTokens, ledger.GetProperty("actualInputTokens").GetInt32());
        Assert.Equal(stored.WorkOutputTokens, ledger.GetProperty("actualOutputTokens").GetInt32());
        Assert.Equal(stored.WorkInputTokens + stored.WorkOutputTokens, ledger.GetProperty("totalTokens").GetInt32());
        var costUsd = (stored.WorkInputTokens * 3m + stored.WorkOutputTokens * 15m) / 1_000_000m;
        var chargeUsd = (costUsd + 0.001m) * 1.25m;
        Assert.Equal(Math.Round(costUsd, 8), ledger.GetProperty("actualCostUsd").GetDecimal());
        Assert.Equal(Math.Round(chargeUsd, 8), ledger.GetProperty("actualChargeUsd").GetDecimal());
        var actualSats = (long)Math.Ceiling(chargeUsd / 100_000m * 100_000_000m);
        var paid = job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64();
        Assert.Equal(actualSats, ledger.GetProperty("actualAmountSats").GetInt64());
        Assert.Equal(paid, ledger.GetProperty("workAmountSats").GetInt64());
        Assert.Equal(Math.Max(0, paid - actualSats), ledger.GetProperty("refundAmountSats").GetInt64());
        Assert.Equal(paid > actualSats ? "pending" : "not_applicable", ledger.Str("refundState"));
        Assert.Equal(job.GetProperty("pricingBreakdown").GetProperty("estimatedCostUsd").GetDecimal(), ledger.GetProperty("estimatedCostUsd").GetDecimal());
    }

    [Fact]
    public async Task The_ledger_is_absent_until_the_job_is_complete()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();

        var job = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));

        Assert.False(job.TryGetProperty("costLedger", out _));
    }

    [Fact]
    public async Task The_btc_price_is_locked_when_the_work_invoice_is_created()
    {
        await using var coinGecko = await FakeCoinGecko.StartAsync();
        coinGecko.Price = 80_000m;
        using var factory = new TimmyFactory
        {
            Settings =
            {
                ["Pricing:BtcPriceSource"] = "coingecko",
                ["Pricing:CoinGeckoBaseUrl"] = coinGecko.BaseUrl,
                ["Pricing:BtcPriceCacheSeconds"] = "0",
            },
        };
        var client = factory.CreateClient();
        var accepted = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));

        coinGecko.Price = 20_000m;
        await client.PayAsync(accepted.Str("workInvoice", "paymentHash"));
        var done = await client.PollUntilSettledAsync(accepted.Str("jobId"));

        Assert.Equal(80_000m, done.GetProperty("pricingBreakdown").GetProperty("btcPriceUsd").GetDecimal());
        var ledger = done.GetProperty("costLedger");
        Assert.Equal(80_000m, ledger.GetProperty("btcPriceUsd").GetDecimal());
        var chargeUsd = ledger.GetProperty("actualChargeUsd").GetDecimal();
        Assert.Equal((long)Math.Ceiling(chargeUsd / 80_000m * 100_000_000m), ledger.GetProperty("actualAmountSats").GetInt64());
        Assert.True(coinGecko.Requests >= 1);
    }

    [Fact]
    public async Task A_work_model_that_uses_more_than_estimated_is_charged_no_more_than_paid_and_owed_nothing()
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Using(50_000, 50_000)),
        };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        var ledger = job.GetProperty("costLedger");
        Assert.Equal(ledger.GetProperty("workAmountSats").GetInt64(), ledger.GetProperty("actualAmountSats").GetInt64());
        Assert.True(ledger.GetProperty("chargeCapped").GetBoolean());
        Assert.Equal(0, ledger.GetProperty("refundAmountSats").GetInt64());
        Assert.Equal("not_applicable", ledger.Str("refundState"));
    }

    private static long Amount(JsonElement job) => job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64();
}
