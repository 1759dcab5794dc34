namespace Timmy.Api.Pricing;

/// <summary>CoinGecko's API keys: a Demo key goes to the public host, a Pro key to the pro host, each in its own header.</summary>
public static class CoinGeckoPlans
{
    public const string DemoHeader = "x-cg-demo-api-key";
    public const string ProHeader = "x-cg-pro-api-key";

    /// <summary>"demo" or "pro" from <c>Pricing:CoinGeckoPlan</c>; when unset, "pro" for the pro host (pro-api.…) and "demo" otherwise.</summary>
    public static string Plan(PricingOptions options) =>
        !string.IsNullOrWhiteSpace(options.CoinGeckoPlan) ? options.CoinGeckoPlan.Trim().ToLowerInvariant()
        : Uri.TryCreate(options.CoinGeckoBaseUrl, UriKind.Absolute, out var uri) && uri.Host.StartsWith("pro-api.", StringComparison.OrdinalIgnoreCase) ? "pro"
        : "demo";

    /// <summary>The header the key goes in; null when no key is configured.</summary>
    public static string? KeyHeader(PricingOptions options) =>
        string.IsNullOrWhiteSpace(options.CoinGeckoApiKey) ? null : Plan(options) == "pro" ? ProHeader : DemoHeader;
}
