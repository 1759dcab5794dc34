using System.Numerics;
using System.Security.Cryptography;

namespace Timmy.Lightning.Tests;

/// <summary>Test-only address decoding, to check fallback fields against the addresses the spec names.</summary>
internal static class AddressHelpers
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Base58Check decode (checksum verified); returns the version byte and 20-byte hash.</summary>
    public static (byte Version, byte[] Hash) DecodeBase58Check(string address)
    {
        BigInteger value = 0;
        foreach (var c in address)
        {
            var digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            Assert.True(digit >= 0, $"bad base58 char {c}");
            value = (value * 58) + digit;
        }

        var body = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var leadingZeros = address.TakeWhile(c => c == '1').Count();
        var full = new byte[leadingZeros + body.Length];
        body.CopyTo(full, leadingZeros);
        Assert.Equal(25, full.Length);

        var checksum = SHA256.HashData(SHA256.HashData(full.AsSpan(0, 21)));
        Assert.True(checksum.AsSpan(0, 4).SequenceEqual(full.AsSpan(21, 4)), "base58 checksum");
        return (full[0], full[1..21]);
    }

    /// <summary>Segwit address → (witness version, program). The checksum (bech32 or bech32m) is not checked.</summary>
    public static (byte Version, byte[] Program) DecodeSegwitUnchecked(string address)
    {
        var data = address[(address.LastIndexOf('1') + 1)..^6];
        var words = data.Select(c => (byte)Bech32.Charset.IndexOf(c, StringComparison.Ordinal)).ToArray();
        return (words[0], Bech32.FromWords(words.AsSpan(1)));
    }
}
