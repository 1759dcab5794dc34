namespace Timmy.Api.Pricing;

/// <summary>What the work really cost, at the quote's locked rates and price, and what is owed back.</summary>
public sealed record WorkSettlement(
    decimal ActualCostUsd,
    decimal ActualChargeUsd,
    long ActualAmountSats,
    long RefundAmountSats);

public static class CostAccounting
{
    /// <summary>Token cost plus infrastructure, plus the margin on both.</summary>
    public static decimal ChargeUsd(decimal tokenCostUsd, decimal infraCostUsd, decimal marginPct) =>
        (tokenCostUsd + infraCostUsd) * (1 + marginPct / 100m);

    /// <summary>Settles a completed job: the honest charge, and the overpayment to refund (never negative).</summary>
    public static WorkSettlement Settle(WorkQuote quote, long paidSats, long actualInputTokens, long actualOutputTokens)
    {
        var costUsd = (actualInputTokens * quote.InputUsdPerMillion + actualOutputTokens * quote.OutputUsdPerMillion) / 1_000_000m;
        var chargeUsd = ChargeUsd(costUsd, quote.InfraCostUsd, quote.MarginPct);
        var actualSats = Sats.FromUsd(chargeUsd, quote.BtcPriceUsd);
        return new WorkSettlement(costUsd, chargeUsd, actualSats, Math.Max(0, paidSats - actualSats));
    }
}
