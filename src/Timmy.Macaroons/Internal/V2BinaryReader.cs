using System.Collections.Immutable;

namespace Timmy.Macaroons;

/// <summary>
/// Strict parser for the V2 binary format. Rejects anything the reference writers would not
/// produce in a way that changes meaning: unknown or misordered fields, location on a first-party
/// caveat, empty verification ids, over-long varints, a signature that is not 32 bytes, and
/// trailing bytes after the signature.
/// </summary>
internal ref struct V2BinaryReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    private V2BinaryReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public static Macaroon Read(ReadOnlySpan<byte> data)
    {
        var reader = new V2BinaryReader(data);
        return reader.ReadMacaroon();
    }

    private Macaroon ReadMacaroon()
    {
        if (_data.IsEmpty || _data[0] != V2Fields.Version)
        {
            throw Error("expected version byte 0x02");
        }

        _position = 1;

        // Header section: [location] identifier EOS.
        string location = string.Empty;
        var type = ReadVarint("field type");
        if (type == V2Fields.Location)
        {
            location = ReadLocation();
            type = ReadVarint("field type");
        }

        if (type != V2Fields.Identifier)
        {
            throw Error("macaroon header must contain an identifier");
        }

        var identifier = ReadFieldData().ToArray();
        ExpectEndOfSection("macaroon header");

        var caveats = ImmutableArray.CreateBuilder<Caveat>();
        while (true)
        {
            type = ReadVarint("field type");
            if (type == V2Fields.EndOfSection)
            {
                break; // empty section terminates the caveat list
            }

            caveats.Add(ReadCaveat(type, caveats.Count));
        }

        type = ReadVarint("field type");
        if (type != V2Fields.Signature)
        {
            throw Error($"expected signature field (6), found field {type}");
        }

        var signature = ReadFieldData();
        if (signature.Length != Macaroon.SignatureLength)
        {
            throw Error($"signature must be {Macaroon.SignatureLength} bytes, found {signature.Length}");
        }

        if (_position != _data.Length)
        {
            throw Error($"{_data.Length - _position} unexpected trailing byte(s) after the signature");
        }

        return Macaroon.FromParsedParts(location, identifier, caveats.ToImmutable(), signature.ToArray());
    }

    /// <summary>Caveat section: [location] identifier [vid] EOS; first field type already read.</summary>
    private Caveat ReadCaveat(int type, int index)
    {
        string? location = null;
        if (type == V2Fields.Location)
        {
            location = ReadLocation();
            type = ReadVarint("field type");
        }

        if (type != V2Fields.Identifier)
        {
            throw Error($"caveat {index} has no identifier (found field {type})");
        }

        var identifier = ReadFieldData().ToArray();
        type = ReadVarint("field type");
        if (type == V2Fields.EndOfSection)
        {
            if (location is not null)
            {
                throw Error($"caveat {index} has a location but no verification id");
            }

            return Caveat.FirstParty(identifier);
        }

        if (type != V2Fields.VerificationId)
        {
            throw Error($"unexpected field {type} in caveat {index}");
        }

        var verificationId = ReadFieldData().ToArray();
        if (verificationId.Length == 0)
        {
            throw Error($"caveat {index} has an empty verification id");
        }

        ExpectEndOfSection($"caveat {index}");
        return Caveat.ThirdParty(identifier, verificationId, location ?? string.Empty);
    }

    private string ReadLocation()
    {
        var bytes = ReadFieldData();
        return Utf8Text.TryDecode(bytes) ?? throw Error("location is not valid UTF-8");
    }

    private void ExpectEndOfSection(string section)
    {
        var type = ReadVarint("field type");
        if (type != V2Fields.EndOfSection)
        {
            throw Error($"unexpected field {type} in {section}");
        }
    }

    private ReadOnlySpan<byte> ReadFieldData()
    {
        var length = ReadVarint("field length");
        if (length > _data.Length - _position)
        {
            throw Error("field data extends past the end of the input");
        }

        var data = _data.Slice(_position, length);
        _position += length;
        return data;
    }

    /// <summary>Minimal-length unsigned LEB128 up to 2^31-1; anything else is malformed.</summary>
    private int ReadVarint(string what)
    {
        var start = _position;
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Error($"input ends inside a {what}");
            }

            if (shift > 28)
            {
                throw Error($"{what} is too large");
            }

            var b = _data[_position++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && _position - start > 1)
                {
                    // A trailing zero group is a second spelling of the same number.
                    throw Error($"{what} uses a non-minimal varint encoding");
                }

                break;
            }
        }

        if (value > int.MaxValue)
        {
            throw Error($"{what} is too large");
        }

        return (int)value;
    }

    private readonly MacaroonFormatException Error(string detail) =>
        new($"Invalid V2 macaroon near byte {_position}: {detail}.");
}
