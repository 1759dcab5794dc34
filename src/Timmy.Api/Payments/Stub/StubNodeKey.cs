using System.Security.Cryptography;
using System.Text;
using Timmy.Lightning;

namespace Timmy.Api.Payments.Stub;

/// <summary>
/// The stub node's identity: a fixed regtest key (derived from a public label, so every instance and restart signs
/// alike; it guards no money). Its invoices are real BOLT11 that any client decodes: amount, payment hash, memo, expiry.
/// </summary>
public static class StubNodeKey
{
    private static readonly byte[] PrivateKey = SHA256.HashData(Encoding.UTF8.GetBytes("timmy stub node regtest key"));

    public static string NodeIdHex => NodeKeys.DerivePublicKeyHex(PrivateKey);

    public static string Sign(InvoiceRequest request, string paymentHashHex, DateTimeOffset now) => new Bolt11InvoiceBuilder
    {
        Network = BitcoinNetwork.Regtest,
        AmountMsat = checked(request.AmountSats * 1000),
        Timestamp = now,
        PaymentHash = Convert.FromHexString(paymentHashHex),
        PaymentSecret = RandomNumberGenerator.GetBytes(32),
        Description = request.Memo,
        Expiry = TimeSpan.FromSeconds(Math.Max(1, (long)request.Expiry.TotalSeconds)),
        MinFinalCltvExpiry = 18,
    }.Encode(PrivateKey);
}
