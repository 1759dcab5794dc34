namespace Timmy.Api.Pricing;

/// <summary>
/// The work invoice's price and everything it was computed from. Stored with the job, so the ledger after
/// the work uses the same rates, margin and locked BTC price as the invoice did. <see cref="EstimatedOutputTokens"/> is
/// also the work call's output cap: the model may write no more than was priced.
/// </summary>
public sealed record WorkQuote(
    long AmountSats,
    int EstimatedInputTokens,
    int EstimatedOutputTokens,
    decimal EstimatedCostUsd,
    decimal InputUsdPerMillion,
    decimal OutputUsdPerMillion,
    decimal InfraCostUsd,
    decimal MarginPct,
    decimal BtcPriceUsd);
