using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;

namespace Timmy.Lightning.Crypto;

/// <summary>
/// The secp256k1 operations BOLT #11 needs, on top of BouncyCastle: compact recoverable
/// signatures (r, s, recovery id), public-key recovery, and verification.
/// </summary>
internal static class Secp256k1
{
    public const int PrivateKeyLength = 32;
    public const int PublicKeyLength = 33;
    public const int CompactSignatureLength = 64;

    // CustomNamedCurves is the same curve as SecNamedCurves but with optimized field arithmetic.
    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    private static readonly BigInteger N = Curve.N;
    private static readonly BigInteger HalfN = Curve.N.ShiftRight(1);
    private static readonly BigInteger FieldPrime = Curve.Curve.Field.Characteristic;

    /// <summary>33-byte compressed public key of a 32-byte private key.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey) =>
        Curve.G.Multiply(ParsePrivateKey(privateKey)).Normalize().GetEncoded(true);

    /// <summary>
    /// RFC 6979 deterministic signature, normalized to low-S (what libsecp256k1 produces),
    /// with the recovery id that lets a reader recover our public key.
    /// </summary>
    public static (byte[] Compact, int RecoveryId) SignRecoverable(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey)
    {
        var d = ParsePrivateKey(privateKey);
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, new ECPrivateKeyParameters(d, Domain));
        var message = hash.ToArray();
        var rs = signer.GenerateSignature(message);
        var r = rs[0];
        var s = rs[1];
        if (s.CompareTo(HalfN) > 0)
        {
            s = N.Subtract(s);
        }

        var publicKey = Curve.G.Multiply(d).Normalize().GetEncoded(true);
        for (var recoveryId = 0; recoveryId < 4; recoveryId++)
        {
            var recovered = RecoverPublicKey(message, r, s, recoveryId);
            if (recovered is not null && recovered.AsSpan().SequenceEqual(publicKey))
            {
                var compact = new byte[CompactSignatureLength];
                BigIntegers.AsUnsignedByteArray(r, compact, 0, 32);
                BigIntegers.AsUnsignedByteArray(s, compact, 32, 32);
                return (compact, recoveryId);
            }
        }

        // Unreachable for a valid signature: one of the four candidates is always our key.
        throw new InvalidOperationException("Could not compute a recovery id for the signature.");
    }

    /// <summary>
    /// SEC 1 §4.1.6 public-key recovery. Accepts high-S signatures (as libsecp256k1's recover
    /// does). Returns null when the signature is malformed or no key can be recovered.
    /// </summary>
    public static byte[]? RecoverPublicKey(byte[] hash, BigInteger r, BigInteger s, int recoveryId)
    {
        if (recoveryId is < 0 or > 3 || !InScalarRange(r) || !InScalarRange(s))
        {
            return null;
        }

        // Recovery ids 2/3 mean R.x overflowed n when reduced to r.
        var x = recoveryId >= 2 ? r.Add(N) : r;
        if (x.CompareTo(FieldPrime) >= 0)
        {
            return null;
        }

        var encodedR = new byte[PublicKeyLength];
        encodedR[0] = (byte)((recoveryId & 1) == 0 ? 0x02 : 0x03);
        BigIntegers.AsUnsignedByteArray(x, encodedR, 1, 32);
        var bigR = TryDecodePoint(encodedR);
        if (bigR is null)
        {
            return null;
        }

        // Q = r^-1 (sR - eG); secp256k1 has cofactor 1, so R needs no extra order check.
        var e = new BigInteger(1, hash).Mod(N);
        var rInv = r.ModInverse(N);
        var u1 = e.Negate().Mod(N).Multiply(rInv).Mod(N);
        var u2 = s.Multiply(rInv).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Curve.G, u1, bigR, u2).Normalize();
        return q.IsInfinity ? null : q.GetEncoded(true);
    }

    /// <summary>Plain ECDSA verification (accepts either S; callers enforce low-S where required).</summary>
    public static bool Verify(byte[] hash, BigInteger r, BigInteger s, ECPoint publicKey)
    {
        var verifier = new ECDsaSigner();
        verifier.Init(false, new ECPublicKeyParameters(publicKey, Domain));
        return verifier.VerifySignature(hash, r, s);
    }

    public static bool IsLowS(BigInteger s) => s.CompareTo(HalfN) <= 0;

    /// <summary>Parses a 33-byte compressed public key; null when it is not a point on the curve.</summary>
    public static ECPoint? TryParsePublicKey(ReadOnlySpan<byte> compressed)
    {
        if (compressed.Length != PublicKeyLength || compressed[0] is not (0x02 or 0x03))
        {
            return null;
        }

        return TryDecodePoint(compressed.ToArray());
    }

    public static BigInteger ToScalar(ReadOnlySpan<byte> bigEndian) => new(1, bigEndian.ToArray());

    private static bool InScalarRange(BigInteger value) => value.SignValue > 0 && value.CompareTo(N) < 0;

    private static ECPoint? TryDecodePoint(byte[] encoded)
    {
        if (new BigInteger(1, encoded, 1, encoded.Length - 1).CompareTo(FieldPrime) >= 0)
        {
            return null;
        }

        try
        {
            var point = Curve.Curve.DecodePoint(encoded);
            return point.IsInfinity || !point.IsValid() ? null : point;
        }
        catch (ArgumentException)
        {
            // x has no square root mod p, i.e. no point with that x coordinate exists.
            return null;
        }
    }

    private static BigInteger ParsePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new ArgumentException($"Private key must be {PrivateKeyLength} bytes.", nameof(privateKey));
        }

        var d = new BigInteger(1, privateKey.ToArray());
        if (!InScalarRange(d))
        {
            throw new ArgumentException("Private key is out of range for secp256k1.", nameof(privateKey));
        }

        return d;
    }
}
