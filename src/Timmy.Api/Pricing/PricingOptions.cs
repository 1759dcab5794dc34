namespace Timmy.Api.Pricing;

public enum PricingMode
{
    /// <summary>The work fee is the estimated compute cost plus infrastructure and margin (the default).</summary>
    Cost,

    /// <summary>The seed's flat fees by request length: 50, 100 or 250 sats.</summary>
    Tiers,
}

public sealed class PricingOptions
{
    public const string Section = "Pricing";

    public PricingMode Mode { get; set; } = PricingMode.Cost;

    /// <summary>USD per million tokens, by model id. Defaults are Anthropic's list prices; override per model.</summary>
    public Dictionary<string, ModelRates> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["claude-haiku-4-5"] = new() { InputUsdPerMillion = 1m, OutputUsdPerMillion = 5m },
        ["claude-sonnet-4-6"] = new() { InputUsdPerMillion = 3m, OutputUsdPerMillion = 15m },
    };

    /// <summary>Rates for a model missing from <see cref="Models"/>: Sonnet's, so an unknown model is not undercharged.</summary>
    public ModelRates DefaultRates { get; set; } = new() { InputUsdPerMillion = 3m, OutputUsdPerMillion = 15m };

    /// <summary>Server cost amortised over each request, in USD.</summary>
    public decimal InfraCostUsdPerRequest { get; set; } = 0.001m;

    /// <summary>The originator's margin, in percent of cost.</summary>
    public decimal MarginPct { get; set; } = 25m;

    /// <summary>Expected answer length, by request tier, for the estimate before the work is done.</summary>
    public int ShortOutputTokens { get; set; } = 256;

    public int MediumOutputTokens { get; set; } = 512;

    public int LongOutputTokens { get; set; } = 1024;

    /// <summary>Requests up to this many characters are "short".</summary>
    public int ShortRequestMaxChars { get; set; } = 100;

    /// <summary>Requests up to this many characters (and longer than short) are "medium"; longer ones are "long".</summary>
    public int MediumRequestMaxChars { get; set; } = 300;

    public long ShortWorkFeeSats { get; set; } = 50;

    public long MediumWorkFeeSats { get; set; } = 100;

    public long LongWorkFeeSats { get; set; } = 250;

    /// <summary>"fixed" (no network) or "coingecko".</summary>
    public string BtcPriceSource { get; set; } = "fixed";

    /// <summary>The fixed price, and the fallback when the live oracle fails (seed env: BTC_PRICE_USD_FALLBACK).</summary>
    public decimal BtcPriceUsdFallback { get; set; } = 100_000m;

    public string CoinGeckoBaseUrl { get; set; } = "https://api.coingecko.com";

    /// <summary>CoinGecko API key, sent as x-cg-demo-api-key (Demo plan) or x-cg-pro-api-key (Pro plan); none when unset.</summary>
    public string? CoinGeckoApiKey { get; set; }

    /// <summary>"demo" or "pro"; when unset, "pro" if the base URL's host is the pro host (pro-api.…), else "demo".</summary>
    public string? CoinGeckoPlan { get; set; }

    public int BtcPriceCacheSeconds { get; set; } = 60;

    public int BtcPriceTimeoutSeconds { get; set; } = 5;

    /// <summary>After a failed fetch, how long to price without asking again (so an outage costs one timeout, not one per quote).</summary>
    public int BtcPriceFailureCacheSeconds { get; set; } = 30;

    /// <summary>After a 429, how long to wait before asking again (longer if CoinGecko's Retry-After says so).</summary>
    public int BtcPriceRateLimitBackoffSeconds { get; set; } = 60;

    /// <summary>How old the last good price may be and still be used while the oracle fails; past it, the fallback.</summary>
    public int MaxPriceAgeMinutes { get; set; } = 60;

    public ModelRates RatesFor(string model) => Models.TryGetValue(model, out var rates) ? rates : DefaultRates;

    /// <summary>
    /// What one metered model call is charged in sats, rounded up: its tokens at the model's rates, plus the per-request
    /// infrastructure when <paramref name="withInfrastructure"/>, plus the margin, at <paramref name="btcPriceUsd"/>.
    /// </summary>
    public long CallSats(string model, long inputTokens, long outputTokens, decimal btcPriceUsd, bool withInfrastructure = true) =>
        Sats.FromUsd(
            CostAccounting.ChargeUsd(RatesFor(model).CostUsd(inputTokens, outputTokens), withInfrastructure ? InfraCostUsdPerRequest : 0m, MarginPct),
            btcPriceUsd);
}

public sealed class ModelRates
{
    public decimal InputUsdPerMillion { get; set; }

    public decimal OutputUsdPerMillion { get; set; }

    public decimal CostUsd(long inputTokens, long outputTokens) =>
        (inputTokens * InputUsdPerMillion + outputTokens * OutputUsdPerMillion) / 1_000_000m;
}
