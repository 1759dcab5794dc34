using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Timmy.Macaroons;

public sealed partial class Macaroon
{
    /// <summary>
    /// Largest accepted binary form (64 KiB). Tokens arrive from untrusted clients, so the cap
    /// bounds parsing and HMAC work per request; real macaroons are a few hundred bytes.
    /// </summary>
    public const int MaxBinaryLength = 64 * 1024;

    /// <summary>Largest accepted text form: padded base64 of <see cref="MaxBinaryLength"/> bytes (87,384 chars).</summary>
    public const int MaxTextLength = (MaxBinaryLength + 2) / 3 * 4;

    /// <summary>
    /// Serializes to text: URL-safe base64 without padding of <see cref="ToBinary"/>. For V1 this is
    /// exactly libmacaroons' <c>serialize(format=1)</c> output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The result would exceed the size limits.</exception>
    public string Serialize(MacaroonVersion version = MacaroonVersion.V2) => Base64Text.EncodeUrlSafe(ToBinary(version));

    /// <summary>Raw binary form: V2 binary, or the V1 packets (before libmacaroons' base64 step).</summary>
    /// <exception cref="InvalidOperationException">The result would exceed <see cref="MaxBinaryLength"/>, or a V1 field exceeds 65,535 bytes.</exception>
    public byte[] ToBinary(MacaroonVersion version = MacaroonVersion.V2)
    {
        var bytes = version switch
        {
            MacaroonVersion.V1 => V1PacketWriter.Write(this),
            MacaroonVersion.V2 => V2BinaryWriter.Write(this),
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown macaroon version."),
        };

        // Never emit something our own parser (and peers with similar caps) would refuse.
        if (bytes.Length > MaxBinaryLength)
        {
            throw new InvalidOperationException($"Serialized macaroon is {bytes.Length} bytes; the limit is {MaxBinaryLength}.");
        }

        return bytes;
    }

    /// <summary>
    /// Parses a text macaroon: base64 (standard or URL-safe, padded or not) of either the V2 binary
    /// form or the V1 packet form. The format is detected from the first decoded byte, as in
    /// libmacaroons: 0x02 means V2, a hex digit means V1.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="MacaroonFormatException">The text is not a well-formed macaroon.</exception>
    public static Macaroon Deserialize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
        {
            throw new MacaroonFormatException($"Macaroon text is {text.Length} characters; the limit is {MaxTextLength}.");
        }

        return FromBinary(Base64Text.Decode(text));
    }

    /// <summary>Parses the raw binary form (V2 binary or V1 packets), like go-macaroon's UnmarshalBinary.</summary>
    /// <exception cref="MacaroonFormatException">The data is not a well-formed macaroon.</exception>
    public static Macaroon FromBinary(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new MacaroonFormatException("Macaroon data is empty.");
        }

        if (data.Length > MaxBinaryLength)
        {
            throw new MacaroonFormatException($"Macaroon data is {data.Length} bytes; the limit is {MaxBinaryLength}.");
        }

        if (data[0] == V2Fields.Version)
        {
            return V2BinaryReader.Read(data);
        }

        if (V1Packets.IsLowerHexDigit(data[0]))
        {
            return V1PacketReader.Read(data);
        }

        if (data[0] == (byte)'{')
        {
            throw new MacaroonFormatException("JSON macaroons are not supported; use the V1 or V2 binary forms.");
        }

        throw new MacaroonFormatException("Unrecognised macaroon format (expected V2 binary or V1 packets).");
    }

    /// <summary>Non-throwing <see cref="Deserialize"/>; a null or malformed input yields a reason.</summary>
    public static bool TryDeserialize(
        string? text,
        [NotNullWhen(true)] out Macaroon? macaroon,
        [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            macaroon = null;
            error = "Macaroon text is null.";
            return false;
        }

        try
        {
            macaroon = Deserialize(text);
            error = null;
            return true;
        }
        catch (MacaroonFormatException ex)
        {
            macaroon = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Used by the parsers; they hand over freshly allocated arrays.</summary>
    internal static Macaroon FromParsedParts(string location, byte[] identifier, ImmutableArray<Caveat> caveats, byte[] signature) =>
        new(location, identifier, caveats, signature);
}
