using System.Buffers;

namespace Timmy.Macaroons;

/// <summary>
/// Writes the V2 binary layout, byte-identical to libmacaroons and go-macaroon:
/// 0x02, [location] identifier EOS, per caveat: [location] identifier [vid] EOS, EOS, signature.
/// </summary>
internal static class V2BinaryWriter
{
    public static byte[] Write(Macaroon macaroon)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write([V2Fields.Version]);

        // Empty locations are omitted, as the reference implementations do.
        if (macaroon.Location.Length > 0)
        {
            WriteField(buffer, V2Fields.Location, Utf8Text.Encode(macaroon.Location, nameof(macaroon)));
        }

        WriteField(buffer, V2Fields.Identifier, macaroon.IdentifierSpan);
        WriteVarint(buffer, V2Fields.EndOfSection);

        foreach (var caveat in macaroon.Caveats)
        {
            if (caveat.IsThirdParty && !string.IsNullOrEmpty(caveat.Location))
            {
                WriteField(buffer, V2Fields.Location, Utf8Text.Encode(caveat.Location, nameof(macaroon)));
            }

            WriteField(buffer, V2Fields.Identifier, caveat.IdentifierSpan);
            if (caveat.IsThirdParty)
            {
                WriteField(buffer, V2Fields.VerificationId, caveat.VerificationIdSpan);
            }

            WriteVarint(buffer, V2Fields.EndOfSection);
        }

        WriteVarint(buffer, V2Fields.EndOfSection);
        WriteField(buffer, V2Fields.Signature, macaroon.SignatureSpan);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteField(ArrayBufferWriter<byte> buffer, int fieldType, ReadOnlySpan<byte> data)
    {
        WriteVarint(buffer, fieldType);
        WriteVarint(buffer, data.Length);
        buffer.Write(data);
    }

    /// <summary>Unsigned LEB128, minimal length (the only form the reader accepts).</summary>
    private static void WriteVarint(ArrayBufferWriter<byte> buffer, int value)
    {
        var span = buffer.GetSpan(5);
        var n = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[n++] = (byte)v;
        buffer.Advance(n);
    }
}
