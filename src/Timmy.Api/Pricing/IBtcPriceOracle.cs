namespace Timmy.Api.Pricing;

/// <summary>The BTC/USD price used to turn USD costs into sats. Never throws: it falls back to a configured price.</summary>
public interface IBtcPriceOracle
{
    ValueTask<decimal> GetBtcPriceUsdAsync(CancellationToken cancellationToken);
}

/// <summary>The embedded default: a configured price and no network call.</summary>
public sealed class FixedBtcPriceOracle(Microsoft.Extensions.Options.IOptions<PricingOptions> options) : IBtcPriceOracle
{
    public ValueTask<decimal> GetBtcPriceUsdAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.BtcPriceUsdFallback);
}
