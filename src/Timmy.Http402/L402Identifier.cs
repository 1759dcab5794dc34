using System.Buffers.Binary;

namespace Timmy.Http402;

/// <summary>
/// The identifier of an L402 macaroon (bLIP-0026): a big-endian uint16 version 0, the 32-byte payment hash of the
/// invoice that pays for it, and a 32-byte token id naming what was bought. 66 bytes.
/// </summary>
public sealed record L402Identifier(byte[] PaymentHash, byte[] TokenId)
{
    public const int Length = 2 + 32 + 32;

    public byte[] ToBytes()
    {
        if (PaymentHash.Length != 32 || TokenId.Length != 32)
        {
            throw new InvalidOperationException("An L402 identifier holds a 32-byte payment hash and a 32-byte token id");
        }

        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 0);
        PaymentHash.CopyTo(bytes, 2);
        TokenId.CopyTo(bytes, 34);
        return bytes;
    }

    /// <summary>Null unless the bytes are a version 0 identifier of exactly 66 bytes.</summary>
    public static L402Identifier? TryDecode(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length && BinaryPrimitives.ReadUInt16BigEndian(bytes) == 0
            ? new L402Identifier(bytes.Slice(2, 32).ToArray(), bytes.Slice(34, 32).ToArray())
            : null;
}
