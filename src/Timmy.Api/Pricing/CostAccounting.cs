namespace Timmy.Api.Pricing;

/// <summary>
/// What the work really cost, at the quote's locked rates and price, and what is owed back. The sats charged never
/// exceed what was paid: <see cref="ChargeCapped"/> when the honest charge (<see cref="ActualChargeUsd"/>) would have.
/// </summary>
public sealed record WorkSettlement(
    decimal ActualCostUsd,
    decimal ActualChargeUsd,
    long ActualAmountSats,
    long RefundAmountSats)
{
    public bool ChargeCapped { get; init; }
}

public static class CostAccounting
{
    /// <summary>Token cost plus infrastructure, plus the margin on both.</summary>
    public static decimal ChargeUsd(decimal tokenCostUsd, decimal infraCostUsd, decimal marginPct) =>
        (tokenCostUsd + infraCostUsd) * (1 + marginPct / 100m);

    /// <summary>
    /// Settles a completed job: the honest charge, capped at what was paid (a job never costs more than it was sold
    /// for; the operator absorbs an overrun, e.g. input the estimate undercounted), and the overpayment to refund.
    /// </summary>
    public static WorkSettlement Settle(WorkQuote quote, long paidSats, long actualInputTokens, long actualOutputTokens)
    {
        var costUsd = (actualInputTokens * quote.InputUsdPerMillion + actualOutputTokens * quote.OutputUsdPerMillion) / 1_000_000m;
        var chargeUsd = ChargeUsd(costUsd, quote.InfraCostUsd, quote.MarginPct);
        var honestSats = Sats.FromUsd(chargeUsd, quote.BtcPriceUsd);
        var actualSats = Math.Min(honestSats, paidSats);
        return new WorkSettlement(costUsd, chargeUsd, actualSats, paidSats - actualSats) { ChargeCapped = honestSats > paidSats };
    }

    /// <summary>Whether a settled charge was capped at the price paid (the honest charge in sats exceeds what was charged).</summary>
    public static bool WasCapped(decimal actualChargeUsd, long actualAmountSats, decimal btcPriceUsd) =>
        Sats.FromUsd(actualChargeUsd, btcPriceUsd) > actualAmountSats;
}
