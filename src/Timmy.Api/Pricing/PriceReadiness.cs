using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Timmy.Api.Pricing;

/// <summary>
/// The readiness report's <c>price</c> check: degraded while quotes use the fallback price because the live price
/// is unavailable or older than <c>Pricing:MaxPriceAgeMinutes</c>. Jobs still run, so it is not unhealthy.
/// </summary>
internal sealed class PriceReadiness(IBtcPriceOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(oracle is CoinGeckoBtcPriceOracle live ? Of(live.Reading) : HealthCheckResult.Healthy("fixed price"));

    private static HealthCheckResult Of(BtcPriceReading reading) => reading.Source switch
    {
        BtcPriceSource.NotFetched => HealthCheckResult.Healthy("coingecko: not fetched yet"),
        BtcPriceSource.Live => HealthCheckResult.Healthy("coingecko"),
        BtcPriceSource.Stale => HealthCheckResult.Healthy($"coingecko: last good price {(int)reading.Age!.Value.TotalSeconds} s old"),
        _ => HealthCheckResult.Degraded(reading.Age is { } age
            ? $"using the fallback price: the last good price is {(int)age.TotalMinutes} minutes old"
            : "using the fallback price: no price fetched"),
    };
}
