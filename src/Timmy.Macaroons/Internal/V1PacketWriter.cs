using System.Buffers;
using System.Text;

namespace Timmy.Macaroons;

/// <summary>
/// Writes V1 packets in the libmacaroons order: location, identifier, per caveat
/// cid [vid cl], signature. Output is byte-identical to libmacaroons' V1 serialization.
/// </summary>
internal static class V1PacketWriter
{
    public static byte[] Write(Macaroon macaroon)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WritePacket(buffer, V1Packets.Location, Utf8Text.Encode(macaroon.Location, nameof(macaroon)));
        WritePacket(buffer, V1Packets.Identifier, macaroon.IdentifierSpan);
        foreach (var caveat in macaroon.Caveats)
        {
            WritePacket(buffer, V1Packets.CaveatId, caveat.IdentifierSpan);
            if (caveat.IsThirdParty)
            {
                WritePacket(buffer, V1Packets.VerificationId, caveat.VerificationIdSpan);
                WritePacket(buffer, V1Packets.CaveatLocation, Utf8Text.Encode(caveat.Location ?? string.Empty, nameof(macaroon)));
            }
        }

        WritePacket(buffer, V1Packets.Signature, macaroon.SignatureSpan);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePacket(ArrayBufferWriter<byte> buffer, string name, ReadOnlySpan<byte> value)
    {
        var length = V1Packets.HeaderLength + name.Length + 1 + value.Length + 1;
        if (length > V1Packets.MaxPacketLength)
        {
            // The 4-hex-digit header cannot express it; V2 has no such limit.
            throw new InvalidOperationException($"The '{name}' field is too long for the V1 format; serialize as V2 instead.");
        }

        Span<byte> header = stackalloc byte[V1Packets.HeaderLength];
        const string hex = "0123456789abcdef";
        for (var i = 0; i < V1Packets.HeaderLength; i++)
        {
            header[i] = (byte)hex[(length >> (12 - 4 * i)) & 0xF];
        }

        buffer.Write(header);
        buffer.Write(Encoding.ASCII.GetBytes(name));
        buffer.Write(" "u8);
        buffer.Write(value);
        buffer.Write("\n"u8);
    }
}
