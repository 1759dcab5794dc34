namespace Timmy.Api.Pricing;

/// <summary>The seed's fixed work-fee tiers, chosen by the request's length in characters.</summary>
public sealed class PricingOptions
{
    public const string Section = "Pricing";

    /// <summary>Requests up to this many characters are "short".</summary>
    public int ShortRequestMaxChars { get; set; } = 100;

    /// <summary>Requests up to this many characters (and longer than short) are "medium"; longer ones are "long".</summary>
    public int MediumRequestMaxChars { get; set; } = 300;

    public long ShortWorkFeeSats { get; set; } = 50;

    public long MediumWorkFeeSats { get; set; } = 100;

    public long LongWorkFeeSats { get; set; } = 250;
}
