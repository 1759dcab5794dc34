using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Pricing;

namespace Timmy.Api.OpenAI;

/// <summary>
/// What a completion costs, priced as session requests and chat messages are: the model's tokens at its rates
/// (<c>Pricing:Models</c>), plus the per-request infrastructure, plus the margin, in sats at the current BTC price,
/// rounded up. An answer that produced nothing costs nothing.
/// </summary>
public sealed class CompletionCosts(IOptions<PricingOptions> pricing, TokenCounter tokens, IBtcPriceOracle oracle)
{
    /// <summary>Tokens a chat format adds around each message (role markers), counted so the estimate does not fall short.</summary>
    private const int TokensPerMessage = 4;

    public ValueTask<decimal> BtcPriceUsdAsync(CancellationToken cancellationToken) => oracle.GetBtcPriceUsdAsync(cancellationToken);

    /// <summary>The prompt's tokens as counted here (o200k); the provider's own count replaces it when reported.</summary>
    public long CountPrompt(IEnumerable<ChatMessage> messages) => messages.Sum(m => tokens.Count(m.Text) + TokensPerMessage);

    /// <summary>
    /// The prompt's tokens as a reservation counts them: a quarter more than counted here, since a provider's own
    /// tokenizer (Claude's is not public) may count more, and the debit can never exceed the reservation.
    /// </summary>
    public static long ReservedPrompt(long counted) => counted + (counted + 3) / 4;

    public long CountText(string text) => tokens.Count(text);

    public long Sats(string model, long inputTokens, long outputTokens, decimal btcPriceUsd) =>
        pricing.Value.CallSats(model, inputTokens, outputTokens, btcPriceUsd);

    /// <summary>The worst case before the body is read: a body full of prompt, and the whole output cap.</summary>
    public long HintSats(string model, int maxOutputTokens) =>
        Sats(model, Http.JsonBody.MaxBytes / 4, maxOutputTokens, pricing.Value.BtcPriceUsdFallback);

    public ModelPricing PriceOf(string model, decimal btcPriceUsd)
    {
        var options = pricing.Value;
        var rates = options.RatesFor(model);
        var factor = (1 + options.MarginPct / 100m) / btcPriceUsd * Pricing.Sats.PerBitcoin;
        return new ModelPricing(
            Short(rates.InputUsdPerMillion / 1000m * factor),
            Short(rates.OutputUsdPerMillion / 1000m * factor),
            Short(options.InfraCostUsdPerRequest * factor));
    }

    /// <summary>Six decimals at most, without trailing zeros (3.75, not 3.750000).</summary>
    private static decimal Short(decimal sats) => Math.Round(sats, 6) / 1.000000000000000000000000000000000m;
}
