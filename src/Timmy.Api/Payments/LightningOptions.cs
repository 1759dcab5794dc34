namespace Timmy.Api.Payments;

public sealed class LightningOptions
{
    public const string Section = "Lightning";

    /// <summary>"stub" (embedded, simulated payments). Real nodes plug in behind <see cref="IPaymentBackend"/>.</summary>
    public string Backend { get; set; } = "stub";

    /// <summary>Production refuses to start on simulated payments unless this is set on purpose.</summary>
    public bool AllowStubInProduction { get; set; }

    /// <summary>The chain the node is on: regtest (the stub's), testnet, signet or mainnet ("bitcoin" also accepted).</summary>
    public string Network { get; set; } = "regtest";

    public Timmy.Lightning.BitcoinNetwork BitcoinNetwork => Network.ToLowerInvariant() switch
    {
        "mainnet" or "bitcoin" => Timmy.Lightning.BitcoinNetwork.Mainnet,
        "testnet" => Timmy.Lightning.BitcoinNetwork.Testnet,
        "signet" => Timmy.Lightning.BitcoinNetwork.Signet,
        "regtest" => Timmy.Lightning.BitcoinNetwork.Regtest,
        _ => throw new InvalidOperationException($"Lightning:Network '{Network}' is not one of mainnet, testnet, signet, regtest"),
    };

    public bool IsStub => Backend.Equals("stub", StringComparison.OrdinalIgnoreCase);
}
