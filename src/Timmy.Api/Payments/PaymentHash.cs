using System.Security.Cryptography;

namespace Timmy.Api.Payments;

public static class PaymentHash
{
    /// <summary>True for a 64-character hex string, the only form a payment hash takes on our API.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(Uri.IsHexDigit);

    /// <summary>A fresh random preimage and its SHA-256 hash, both as lower-case hex.</summary>
    public static (string Preimage, string Hash) NewPreimage()
    {
        var preimage = RandomNumberGenerator.GetBytes(32);
        return (Convert.ToHexStringLower(preimage), Convert.ToHexStringLower(SHA256.HashData(preimage)));
    }
}
