namespace Timmy.Api.Boundary;

/// <summary>The payment boundary's settings (section <c>Boundary</c>).</summary>
public sealed class BoundaryOptions
{
    public const string Section = "Boundary";

    /// <summary>The least a 402 challenge sells: a balance for many requests, not one invoice per call.</summary>
    public long MinBundleSats { get; set; } = 1_000;

    /// <summary>The Payment scheme's realm, written into every challenge and checked in every credential.</summary>
    public string Realm { get; set; } = "timmy";
}
