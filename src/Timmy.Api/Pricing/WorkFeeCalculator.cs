using Microsoft.Extensions.Options;

namespace Timmy.Api.Pricing;

public enum RequestTier
{
    Short,
    Medium,
    Long,
}

/// <summary>Prices the work invoice. For now the seed's tiers: 50, 100 or 250 sats by request length.</summary>
public sealed class WorkFeeCalculator(IOptions<PricingOptions> options)
{
    private readonly PricingOptions _options = options.Value;

    public RequestTier TierOf(string request) =>
        request.Length <= _options.ShortRequestMaxChars ? RequestTier.Short
        : request.Length <= _options.MediumRequestMaxChars ? RequestTier.Medium
        : RequestTier.Long;

    public long WorkFeeSats(string request) => TierOf(request) switch
    {
        RequestTier.Short => _options.ShortWorkFeeSats,
        RequestTier.Medium => _options.MediumWorkFeeSats,
        _ => _options.LongWorkFeeSats,
    };
}
