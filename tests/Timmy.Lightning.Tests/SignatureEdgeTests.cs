using Scalar = NBitcoin.Secp256k1.Scalar;
using static Timmy.Lightning.Tests.CraftedInvoiceTests;

namespace Timmy.Lightning.Tests;

/// <summary>
/// Signatures and payee keys at the edges of secp256k1: what recovery (no n field) and
/// verification (with one) accept, pinned so a change of crypto library cannot move them.
/// </summary>
public class SignatureEdgeTests
{
    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string One = "0000000000000000000000000000000000000000000000000000000000000001";
    private const string N = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    private const string PMinusN = "000000000000000000000000000000014551231950b75fc4402da1722fc9baee";

    [Theory]
    [InlineData("02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // x >= p
    [InlineData("020000000000000000000000000000000000000000000000000000000000000005")] // x^3 + 7 has no root
    [InlineData("04e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad")] // not a compressed prefix
    [InlineData("000000000000000000000000000000000000000000000000000000000000000000")]
    public void Payee_field_that_is_not_a_curve_point_is_rejected(string hex)
    {
        AssertRejected(Described().AddBytes(Bolt11Tag.PayeeNodeId, Convert.FromHexString(hex)).Sign(Hrp, Key), "not a valid public key");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(255)]
    public void Recovery_id_above_3_is_rejected(byte recoveryId)
    {
        var signature = Enumerable.Repeat((byte)1, 64).Append(recoveryId).ToArray();

        AssertRejected(WithSignature(signature), "invalid signature recovery id");
    }

    [Theory]
    [InlineData(Zero, One)]
    [InlineData(One, Zero)]
    [InlineData(N, One)]
    [InlineData(One, N)]
    public void Out_of_range_signature_scalars_are_not_recoverable(string r, string s)
    {
        byte[] signature = [.. Convert.FromHexString(r), .. Convert.FromHexString(s), 0];

        AssertRejected(WithSignature(signature), "signature is not recoverable");
    }

    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", 2)] // 2^248
    [InlineData(PMinusN, 2)]
    [InlineData(PMinusN, 3)]
    [InlineData("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", 3)] // n - 1
    public void Recovery_id_whose_x_would_pass_the_field_prime_is_not_recoverable(string r, byte recoveryId)
    {
        // Ids 2 and 3 say R.x = r + n, which is a field element only while r < p - n.
        // NBitcoin.Secp256k1 4.0.4 checks r < n instead and would recover a key here.
        byte[] signature = [.. Convert.FromHexString(r), .. Enumerable.Repeat((byte)1, 32), recoveryId];

        AssertRejected(WithSignature(signature), "signature is not recoverable");
    }

    [Theory]
    [InlineData(Zero, One, "signature does not match payee")]
    [InlineData(N, One, "signature does not match payee")]
    [InlineData(One, Zero, "signature does not match payee")]
    [InlineData(One, N, "not in low-S form")]
    public void Out_of_range_signature_scalars_fail_verification_against_the_payee_field(string r, string s, string reason)
    {
        byte[] signature = [.. Convert.FromHexString(r), .. Convert.FromHexString(s), 0];

        AssertRejected(WithSignature(signature, withPayee: true), reason);
    }

    [Fact]
    public void High_s_twin_of_our_signature_recovers_our_key_but_fails_verification()
    {
        var (_, words) = Bech32.Decode(Described().Sign(Hrp, Key));
        var signature = Bech32.FromWords(words.AsSpan(words.Length - Bolt11Signing.SignatureWords));
        new Scalar(signature.AsSpan(32, 32)).Negate().WriteToSpan(signature.AsSpan(32, 32));
        signature[64] ^= 1; // -s pairs with -R, whose y has the other parity

        Assert.Equal(NodeKeys.DerivePublicKeyHex(Key), Bolt11Invoice.Decode(WithSignature(signature)).PayeeNodeIdHex);
        AssertRejected(WithSignature(signature, withPayee: true), "not in low-S form");
    }

    /// <summary>A well-formed invoice body (with our key as n when asked) and an arbitrary 65-byte signature.</summary>
    private static string WithSignature(byte[] signature, bool withPayee = false)
    {
        var writer = withPayee ? Described().AddBytes(Bolt11Tag.PayeeNodeId, NodeKeys.DerivePublicKey(Key)) : Described();
        var (hrp, words) = Bech32.Decode(writer.Sign(Hrp, Key));
        byte[] body = [.. words.AsSpan(0, words.Length - Bolt11Signing.SignatureWords), .. Bech32.ToWords(signature)];
        return Bech32.Encode(hrp, body);
    }
}
