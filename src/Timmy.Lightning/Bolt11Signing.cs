using System.Security.Cryptography;
using System.Text;

namespace Timmy.Lightning;

/// <summary>What a BOLT #11 signature commits to.</summary>
internal static class Bolt11Signing
{
    /// <summary>520 bits: 64-byte compact signature + 1-byte recovery id, exactly 104 words.</summary>
    public const int SignatureWords = 104;

    /// <summary>
    /// hrp as UTF-8 bytes followed by the data words before the signature, regrouped into bytes
    /// with zero bits appended to reach a byte boundary.
    /// </summary>
    public static byte[] SigningData(string hrp, ReadOnlySpan<byte> wordsBeforeSignature)
    {
        var hrpBytes = Encoding.UTF8.GetBytes(hrp);
        var dataBytes = Bech32.ConvertBits(wordsBeforeSignature, 5, 8, pad: true);
        return [.. hrpBytes, .. dataBytes];
    }

    public static byte[] SigningHash(string hrp, ReadOnlySpan<byte> wordsBeforeSignature) =>
        SHA256.HashData(SigningData(hrp, wordsBeforeSignature));
}
