using NBitcoin.Secp256k1;

namespace Timmy.Lightning.Crypto;

/// <summary>
/// The secp256k1 operations BOLT #11 needs, on NBitcoin.Secp256k1 (a C# port of libsecp256k1,
/// constant-time where a secret is involved): compact recoverable signatures (r, s, recovery id),
/// public-key recovery, and verification. Keys and signatures cross this boundary as bytes.
/// </summary>
internal static class Secp256k1
{
    public const int PrivateKeyLength = 32;
    public const int PublicKeyLength = 33;
    public const int CompactSignatureLength = 64;
    public const int HashLength = 32;

    // p - n, big-endian. Recovery ids 2 and 3 mean R.x was r + n, which exists only for r < p - n.
    private static readonly byte[] FieldPrimeMinusOrder =
        Convert.FromHexString("000000000000000000000000000000014551231950b75fc4402da1722fc9baee");

    /// <summary>33-byte compressed public key of a 32-byte private key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        using var key = ParsePrivateKey(privateKey);
        return key.CreatePubKey().ToBytes(compressed: true);
    }

    /// <summary>
    /// RFC 6979 deterministic signature in low-S form, with the recovery id that lets a reader
    /// recover our public key (libsecp256k1's ecdsa_sign_recoverable).
    /// </summary>
    public static (byte[] Compact, int RecoveryId) SignRecoverable(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey)
    {
        RequireHash(hash);
        using var key = ParsePrivateKey(privateKey);
        if (!key.TrySignRecoverable(hash, out var signature) || signature is null)
        {
            // Unreachable: RFC 6979 retries until the nonce gives a valid signature.
            throw new InvalidOperationException("Signing failed.");
        }

        var compact = new byte[CompactSignatureLength];
        signature.WriteToSpanCompact(compact, out var recoveryId);
        return (compact, recoveryId);
    }

    /// <summary>
    /// SEC 1 §4.1.6 public-key recovery. Accepts high-S signatures (as libsecp256k1's recover
    /// does). Returns null when r or s is 0 or not below n, the recovery id is not 0..3, or no
    /// key can be recovered.
    /// </summary>
    public static byte[]? RecoverPublicKey(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> compact, int recoveryId)
    {
        RequireHash(hash);
        // The library checks ids 2 and 3 against n where libsecp256k1 checks against p - n, so for
        // p - n <= r < n it wraps r + n past p and recovers a key from an unrelated point.
        if (compact.Length != CompactSignatureLength
            || recoveryId is < 0 or > 3
            || (recoveryId >= 2 && compact[..32].SequenceCompareTo(FieldPrimeMinusOrder) >= 0)
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(compact, recoveryId, out var signature)
            || signature is null
            || !ECPubKey.TryRecover(Context.Instance, signature, hash, out var publicKey))
        {
            return null;
        }

        return publicKey.ToBytes(compressed: true);
    }

    /// <summary>
    /// ECDSA verification against a 33-byte compressed key. Like libsecp256k1's verify it rejects
    /// high-S signatures, and r or s that is 0 or not below n.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> compact, ECPubKey publicKey)
    {
        RequireHash(hash);
        return SecpECDSASignature.TryCreateFromCompact(compact, out var signature)
            && signature is not null
            && publicKey.SigVerify(signature, hash);
    }

    /// <summary>True when the 32-byte big-endian s is at most n/2 (an s of n or more is not low).</summary>
    public static bool IsLowS(ReadOnlySpan<byte> s)
    {
        var scalar = new Scalar(s, out var overflow);
        return overflow == 0 && !scalar.IsHigh;
    }

    /// <summary>Parses a 33-byte compressed public key; null when it is not a point on the curve.</summary>
    public static ECPubKey? TryParsePublicKey(ReadOnlySpan<byte> compressed)
    {
        // The library also takes 65-byte uncompressed keys; BOLT #11's n field is compressed only.
        if (compressed.Length != PublicKeyLength || compressed[0] is not (0x02 or 0x03))
        {
            return null;
        }

        return ECPubKey.TryCreate(compressed, Context.Instance, out _, out var key) ? key : null;
    }

    private static void RequireHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"Hash must be {HashLength} bytes.", nameof(hash));
        }
    }

    private static ECPrivKey ParsePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new ArgumentException($"Private key must be {PrivateKeyLength} bytes.", nameof(privateKey));
        }

        return ECPrivKey.TryCreate(privateKey, Context.Instance, out var key)
            ? key
            : throw new ArgumentException("Private key is out of range for secp256k1.", nameof(privateKey));
    }
}
