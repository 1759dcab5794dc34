namespace Timmy.Api.Payments;

public sealed class LightningOptions
{
    public const string Section = "Lightning";

    /// <summary>"stub" (embedded, simulated payments). Real nodes plug in behind <see cref="IPaymentBackend"/>.</summary>
    public string Backend { get; set; } = "stub";

    /// <summary>Production refuses to start on simulated payments unless this is set on purpose.</summary>
    public bool AllowStubInProduction { get; set; }

    public bool IsStub => Backend.Equals("stub", StringComparison.OrdinalIgnoreCase);
}
