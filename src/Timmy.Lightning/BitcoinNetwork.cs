namespace Timmy.Lightning;

/// <summary>The Bitcoin chain an invoice is payable on, from its BIP-173 currency prefix.</summary>
public enum BitcoinNetwork
{
    /// <summary><c>lnbc</c></summary>
    Mainnet,

    /// <summary><c>lntb</c></summary>
    Testnet,

    /// <summary><c>lntbs</c></summary>
    Signet,

    /// <summary><c>lnbcrt</c></summary>
    Regtest,
}

internal static class BitcoinNetworkPrefix
{
    /// <summary>The BIP-173 currency prefix that follows "ln" in the invoice hrp.</summary>
    public static string ToCurrencyPrefix(this BitcoinNetwork network) => network switch
    {
        BitcoinNetwork.Mainnet => "bc",
        BitcoinNetwork.Testnet => "tb",
        BitcoinNetwork.Signet => "tbs",
        BitcoinNetwork.Regtest => "bcrt",
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "Unknown network."),
    };

    public static bool TryParse(ReadOnlySpan<char> currency, out BitcoinNetwork network)
    {
        switch (currency)
        {
            case "bc":
                network = BitcoinNetwork.Mainnet;
                return true;
            case "tb":
                network = BitcoinNetwork.Testnet;
                return true;
            case "tbs":
                network = BitcoinNetwork.Signet;
                return true;
            case "bcrt":
                network = BitcoinNetwork.Regtest;
                return true;
            default:
                network = default;
                return false;
        }
    }
}
