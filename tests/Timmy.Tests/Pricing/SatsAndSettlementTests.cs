using Timmy.Api.Pricing;

namespace Timmy.Tests.Pricing;

public sealed class SatsAndSettlementTests
{
    [Theory]
    [InlineData("0.05", "100000", 50)]
    [InlineData("0.0500001", "100000", 51)]
    [InlineData("0.00000001", "100000", 1)]
    [InlineData("0", "100000", 1)]
    [InlineData("1", "50000", 2000)]
    public void Usd_converts_to_sats_rounding_up_with_a_one_sat_minimum(string usd, string btcPrice, long sats)
    {
        Assert.Equal(sats, Sats.FromUsd(decimal.Parse(usd), decimal.Parse(btcPrice)));
    }

    [Fact]
    public void A_non_positive_btc_price_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sats.FromUsd(1m, 0m));
    }

    [Fact]
    public void Settlement_charges_tokens_plus_infra_plus_margin_at_the_locked_price_and_refunds_the_rest()
    {
        var quote = new WorkQuote(
            AmountSats: 100, EstimatedInputTokens: 100, EstimatedOutputTokens: 1000, EstimatedCostUsd: 0.05m,
            InputUsdPerMillion: 3m, OutputUsdPerMillion: 15m, InfraCostUsd: 0.001m, MarginPct: 25m, BtcPriceUsd: 100_000m);

        var settlement = CostAccounting.Settle(quote, paidSats: 100, actualInputTokens: 1_000, actualOutputTokens: 2_000);

        Assert.Equal(0.033m, settlement.ActualCostUsd);            // 1000×3/1e6 + 2000×15/1e6
        Assert.Equal(0.0425m, settlement.ActualChargeUsd);         // (0.033 + 0.001) × 1.25
        Assert.Equal(43, settlement.ActualAmountSats);             // ceil(0.0425 / 100000 × 1e8) = ceil(42.5)
        Assert.Equal(57, settlement.RefundAmountSats);
    }

    [Fact]
    public void A_job_that_cost_more_than_was_paid_is_charged_what_was_paid_and_owes_nothing_back()
    {
        var quote = new WorkQuote(10, 1, 1, 0.01m, 3m, 15m, 0m, 0m, 100_000m);

        var settlement = CostAccounting.Settle(quote, paidSats: 10, actualInputTokens: 1_000_000, actualOutputTokens: 0);

        Assert.Equal(10, settlement.ActualAmountSats);
        Assert.Equal(0, settlement.RefundAmountSats);
        Assert.True(settlement.ChargeCapped);
        Assert.Equal(3m, settlement.ActualChargeUsd); // the honest charge stays on the ledger
    }
}
