using Timmy.Lightning.Crypto;

namespace Timmy.Lightning;

/// <summary>Lightning node identity helpers (a node id is a compressed secp256k1 public key).</summary>
public static class NodeKeys
{
    /// <summary>Derives the 33-byte compressed public key (node id) of a 32-byte private key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes or not in 1..n-1.</exception>
    public static byte[] DerivePublicKey(ReadOnlySpan<byte> privateKey) => Secp256k1.GetPublicKey(privateKey);

    /// <summary>Lowercase hex of <see cref="DerivePublicKey"/>.</summary>
    public static string DerivePublicKeyHex(ReadOnlySpan<byte> privateKey) =>
        Convert.ToHexStringLower(DerivePublicKey(privateKey));
}
