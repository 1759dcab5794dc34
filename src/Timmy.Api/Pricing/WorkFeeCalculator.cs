using Microsoft.Extensions.Options;
using Timmy.Api.Agent;

namespace Timmy.Api.Pricing;

public enum RequestTier
{
    Short,
    Medium,
    Long,
}

/// <summary>
/// Prices the work invoice. In cost mode (the default): estimated input tokens (counted with a real
/// tokenizer) and output tokens (by tier) at the work model's rates, plus infrastructure, plus margin,
/// converted to sats at the BTC price of the moment, which the quote then locks. In tiers mode: the seed's flat fees.
/// </summary>
public sealed class WorkFeeCalculator(
    IOptions<PricingOptions> pricing, IOptions<AgentOptions> agent, TokenCounter tokens, IBtcPriceOracle oracle)
{
    private readonly PricingOptions _options = pricing.Value;

    public RequestTier TierOf(string request) =>
        request.Length <= _options.ShortRequestMaxChars ? RequestTier.Short
        : request.Length <= _options.MediumRequestMaxChars ? RequestTier.Medium
        : RequestTier.Long;

    public async Task<WorkQuote> QuoteAsync(string request, CancellationToken cancellationToken)
    {
        var tier = TierOf(request);
        var rates = _options.RatesFor(agent.Value.WorkModel);
        var inputTokens = tokens.Count(Prompts.Work) + tokens.Count(request);
        var outputTokens = Math.Min(agent.Value.MaxOutputTokens, tier switch
        {
            RequestTier.Short => _options.ShortOutputTokens,
            RequestTier.Medium => _options.MediumOutputTokens,
            _ => _options.LongOutputTokens,
        });
        var btcPrice = await oracle.GetBtcPriceUsdAsync(cancellationToken);
        var estimatedCostUsd = CostAccounting.ChargeUsd(rates.CostUsd(inputTokens, outputTokens), _options.InfraCostUsdPerRequest, _options.MarginPct);
        var amount = _options.Mode == PricingMode.Tiers
            ? TierFeeSats(tier)
            : Sats.FromUsd(estimatedCostUsd, btcPrice);

        return new WorkQuote(
            amount, inputTokens, outputTokens, estimatedCostUsd,
            rates.InputUsdPerMillion, rates.OutputUsdPerMillion, _options.InfraCostUsdPerRequest, _options.MarginPct, btcPrice);
    }

    private long TierFeeSats(RequestTier tier) => tier switch
    {
        RequestTier.Short => _options.ShortWorkFeeSats,
        RequestTier.Medium => _options.MediumWorkFeeSats,
        _ => _options.LongWorkFeeSats,
    };
}
