using System.Security.Cryptography;

namespace Timmy.Macaroons;

/// <summary>The HMAC-SHA256 signature chain shared by libmacaroons and go-macaroon.</summary>
internal static class MacaroonCrypto
{
    public const int HashLength = 32;

    // libmacaroons uses this string, zero-padded to 32 bytes, as the HMAC *key* and the root key
    // as the *data*. HMAC zero-pads short keys to the 64-byte block anyway, so the unpadded
    // string gives identical output (checked against the README vector e3d9e029...).
    private static ReadOnlySpan<byte> KeyGenerator => "macaroons-key-generator"u8;

    /// <summary>sig0 = HMAC(HMAC("macaroons-key-generator", rootKey), identifier).</summary>
    public static void InitialSignature(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> identifier, Span<byte> signature)
    {
        Span<byte> derivedKey = stackalloc byte[HashLength];
        HMACSHA256.HashData(KeyGenerator, rootKey, derivedKey);
        HMACSHA256.HashData(derivedKey, identifier, signature);
        CryptographicOperations.ZeroMemory(derivedKey);
    }

    /// <summary>First-party caveat: sig = HMAC(sig, caveatId).</summary>
    public static void ChainFirstParty(Span<byte> signature, ReadOnlySpan<byte> caveatId)
    {
        // Separate output buffer: the key and destination must not alias.
        Span<byte> next = stackalloc byte[HashLength];
        HMACSHA256.HashData(signature, caveatId, next);
        next.CopyTo(signature);
        CryptographicOperations.ZeroMemory(next);
    }

    /// <summary>
    /// Third-party caveat: sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid)) — libmacaroons'
    /// "hash2", confirmed against go-macaroon's d27db2fd... vector.
    /// </summary>
    public static void ChainThirdParty(Span<byte> signature, ReadOnlySpan<byte> verificationId, ReadOnlySpan<byte> caveatId)
    {
        Span<byte> pair = stackalloc byte[2 * HashLength];
        HMACSHA256.HashData(signature, verificationId, pair[..HashLength]);
        HMACSHA256.HashData(signature, caveatId, pair[HashLength..]);
        Span<byte> next = stackalloc byte[HashLength];
        HMACSHA256.HashData(signature, pair, next);
        next.CopyTo(signature);
        CryptographicOperations.ZeroMemory(pair);
        CryptographicOperations.ZeroMemory(next);
    }

    /// <summary>Recomputes the whole chain for a macaroon from its root key.</summary>
    public static void ComputeSignature(ReadOnlySpan<byte> rootKey, Macaroon macaroon, Span<byte> signature)
    {
        InitialSignature(rootKey, macaroon.IdentifierSpan, signature);
        foreach (var caveat in macaroon.Caveats)
        {
            if (caveat.IsThirdParty)
            {
                ChainThirdParty(signature, caveat.VerificationIdSpan, caveat.IdentifierSpan);
            }
            else
            {
                ChainFirstParty(signature, caveat.IdentifierSpan);
            }
        }
    }
}
