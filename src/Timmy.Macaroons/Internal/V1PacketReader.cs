using System.Collections.Immutable;

namespace Timmy.Macaroons;

/// <summary>
/// Strict parser for V1 packets: location, identifier, then caveats (cid followed by at most one
/// vid and one cl, in either order), then a 32-byte signature and nothing after it.
/// </summary>
internal ref struct V1PacketReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private int _packetStart; // reported in errors: the packet being parsed or just read

    private V1PacketReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _packetStart = 0;
    }

    public static Macaroon Read(ReadOnlySpan<byte> data)
    {
        var reader = new V1PacketReader(data);
        return reader.ReadMacaroon();
    }

    private Macaroon ReadMacaroon()
    {
        var name = ReadPacket(out var value);
        if (name != V1Packets.Location)
        {
            throw Error("the first packet must be 'location'");
        }

        var location = Utf8Text.TryDecode(value) ?? throw Error("location is not valid UTF-8");

        name = ReadPacket(out value);
        if (name != V1Packets.Identifier)
        {
            throw Error("the second packet must be 'identifier'");
        }

        var identifier = value.ToArray();
        var caveats = ImmutableArray.CreateBuilder<Caveat>();
        var pending = new PendingCaveat();

        while (true)
        {
            name = ReadPacket(out value);
            switch (name)
            {
                case V1Packets.CaveatId:
                    pending.FlushInto(caveats, this);
                    pending = new PendingCaveat { Identifier = value.ToArray() };
                    break;
                case V1Packets.VerificationId:
                    if (pending.Identifier is null || pending.VerificationId is not null)
                    {
                        throw Error("'vid' packet must follow a 'cid' packet, at most once");
                    }

                    pending.VerificationId = value.ToArray();
                    break;
                case V1Packets.CaveatLocation:
                    if (pending.Identifier is null || pending.Location is not null)
                    {
                        throw Error("'cl' packet must follow a 'cid' packet, at most once");
                    }

                    pending.Location = Utf8Text.TryDecode(value) ?? throw Error("caveat location is not valid UTF-8");
                    break;
                case V1Packets.Signature:
                    pending.FlushInto(caveats, this);
                    if (value.Length != Macaroon.SignatureLength)
                    {
                        throw Error($"signature must be {Macaroon.SignatureLength} bytes, found {value.Length}");
                    }

                    if (_position != _data.Length)
                    {
                        _packetStart = _position;
                        throw Error($"{_data.Length - _position} unexpected trailing byte(s) after the signature");
                    }

                    return Macaroon.FromParsedParts(location, identifier, caveats.ToImmutable(), value.ToArray());
                default:
                    throw Error($"unexpected packet '{name}'");
            }
        }
    }

    /// <summary>Reads one packet; only known field names are accepted.</summary>
    private string ReadPacket(out ReadOnlySpan<byte> value)
    {
        _packetStart = _position;
        var remaining = _data.Length - _position;
        if (remaining < V1Packets.HeaderLength)
        {
            throw Error(remaining == 0 ? "input ends before the signature packet" : "truncated packet header");
        }

        var length = 0;
        for (var i = 0; i < V1Packets.HeaderLength; i++)
        {
            var b = _data[_position + i];
            if (!V1Packets.IsLowerHexDigit(b))
            {
                throw Error("packet length is not four lowercase hex digits");
            }

            length = (length << 4) | V1Packets.HexValue(b);
        }

        if (length < V1Packets.MinPacketLength)
        {
            throw Error($"packet length {length} is too small");
        }

        if (length > remaining)
        {
            throw Error("packet extends past the end of the input");
        }

        var body = _data.Slice(_position + V1Packets.HeaderLength, length - V1Packets.HeaderLength);
        if (body[^1] != (byte)'\n')
        {
            throw Error("packet does not end with a newline");
        }

        var space = body.IndexOf((byte)' ');
        if (space <= 0)
        {
            throw Error("packet has no field name");
        }

        var name = KnownName(body[..space]) ?? throw Error("unknown packet field name");
        _position += length;
        value = body[(space + 1)..^1];
        return name;
    }

    /// <summary>Maps to interned constants so callers can switch on them; never echoes raw bytes.</summary>
    private static string? KnownName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("location"u8) => V1Packets.Location,
        _ when name.SequenceEqual("identifier"u8) => V1Packets.Identifier,
        _ when name.SequenceEqual("cid"u8) => V1Packets.CaveatId,
        _ when name.SequenceEqual("vid"u8) => V1Packets.VerificationId,
        _ when name.SequenceEqual("cl"u8) => V1Packets.CaveatLocation,
        _ when name.SequenceEqual("signature"u8) => V1Packets.Signature,
        _ => null,
    };

    private readonly MacaroonFormatException Error(string detail) =>
        new($"Invalid V1 macaroon at byte {_packetStart}: {detail}.");

    private struct PendingCaveat
    {
        public byte[]? Identifier;
        public byte[]? VerificationId;
        public string? Location;

        public readonly void FlushInto(ImmutableArray<Caveat>.Builder caveats, V1PacketReader reader)
        {
            if (Identifier is null)
            {
                return;
            }

            if (VerificationId is null)
            {
                if (Location is not null)
                {
                    throw reader.Error($"caveat {caveats.Count} has a location but no verification id");
                }

                caveats.Add(Caveat.FirstParty(Identifier));
                return;
            }

            if (VerificationId.Length == 0)
            {
                throw reader.Error($"caveat {caveats.Count} has an empty verification id");
            }

            caveats.Add(Caveat.ThirdParty(Identifier, VerificationId, Location ?? string.Empty));
        }
    }
}
