using Microsoft.Extensions.Options;

namespace Timmy.Api.Pricing;

public static class PricingRegistration
{
    public static IServiceCollection AddTimmyPricing(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PricingOptions.Section);
        services.AddOptions<PricingOptions>().Bind(section)
            .Validate(o => o.BtcPriceUsdFallback > 0, "Pricing:BtcPriceUsdFallback must be positive")
            .Validate(o => o.MarginPct >= 0 && o.InfraCostUsdPerRequest >= 0, "Pricing margin and infra cost cannot be negative")
            .Validate(o => o.BtcPriceFailureCacheSeconds >= 0 && o.BtcPriceRateLimitBackoffSeconds >= 0 && o.MaxPriceAgeMinutes >= 0,
                "Pricing:BtcPriceFailureCacheSeconds, BtcPriceRateLimitBackoffSeconds and MaxPriceAgeMinutes cannot be negative")
            .Validate(o => CoinGeckoPlans.Plan(o) is "demo" or "pro", "Pricing:CoinGeckoPlan must be 'demo' or 'pro'")
            .ValidateOnStart();

        var source = section["BtcPriceSource"] ?? "fixed";
        if (source.Equals("coingecko", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHttpClient<CoinGeckoBtcPriceOracle>((sp, http) =>
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PricingOptions>>().Value.CoinGeckoBaseUrl));
            // One instance, so the one-minute cache is shared by every request.
            services.AddSingleton<IBtcPriceOracle>(sp => sp.GetRequiredService<CoinGeckoBtcPriceOracle>());
        }
        else if (source.Equals("fixed", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IBtcPriceOracle, FixedBtcPriceOracle>();
        }
        else
        {
            throw new InvalidOperationException($"Pricing:BtcPriceSource must be 'fixed' or 'coingecko', not '{source}'");
        }

        services.AddHealthChecks().AddCheck<PriceReadiness>("price", tags: ["ready"]);
        services.AddSingleton<WorkFeeCalculator>();
        return services;
    }
}
