using System.Security.Cryptography;
using Timmy.Lightning;

namespace Timmy.Tests.Infrastructure;

/// <summary>Mints correctly signed BOLT11 invoices, as a client's wallet would, for refund claims.</summary>
public static class RefundInvoices
{
    /// <summary>The BOLT #11 examples' key; any key works, the invoice only has to be signed by its payee.</summary>
    private static readonly byte[] WalletKey = Convert.FromHexString("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734");

    public static string Mint(long amountSats, BitcoinNetwork network = BitcoinNetwork.Regtest, DateTimeOffset? timestamp = null, TimeSpan? expiry = null) =>
        MintMsat(amountSats * 1000, network, timestamp, expiry);

    public static string MintMsat(long? amountMsat, BitcoinNetwork network = BitcoinNetwork.Regtest, DateTimeOffset? timestamp = null, TimeSpan? expiry = null) =>
        new Bolt11InvoiceBuilder
        {
            Network = network,
            AmountMsat = amountMsat,
            Timestamp = timestamp ?? DateTimeOffset.UtcNow,
            PaymentHash = RandomNumberGenerator.GetBytes(32),
            PaymentSecret = RandomNumberGenerator.GetBytes(32),
            Description = "Timmy refund",
            Expiry = expiry,
        }.Encode(WalletKey);
}
