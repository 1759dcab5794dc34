namespace Timmy.Macaroons.Tests;

/// <summary>
/// Hand-assembles V2 binaries (independently of the library's writer) so tests can craft
/// reordered, malformed or hostile inputs field by field.
/// </summary>
internal sealed class V2Builder
{
    private readonly List<byte> _bytes = [0x02];

    public static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    public V2Builder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public V2Builder Field(int type, byte[] data)
    {
        _bytes.AddRange(Varint(type));
        _bytes.AddRange(Varint(data.Length));
        _bytes.AddRange(data);
        return this;
    }

    public V2Builder Field(int type, string text) => Field(type, TestBase64.Utf8(text));

    public V2Builder Eos() => Raw(0x00);

    /// <summary>A well-formed header: location, identifier, EOS.</summary>
    public V2Builder Header(string location = "http://example.org/", string identifier = "keyid")
    {
        if (location.Length > 0)
        {
            Field(1, location);
        }

        return Field(2, identifier).Eos();
    }

    public V2Builder FirstParty(string predicate) => Field(2, predicate).Eos();

    public V2Builder Signature(byte[] signature) => Field(6, signature);

    public byte[] Build() => [.. _bytes];

    /// <summary>A complete macaroon with the given first-party caveats and signature.</summary>
    public static byte[] Macaroon(byte[] signature, params string[] caveats)
    {
        var b = new V2Builder().Header();
        foreach (var c in caveats)
        {
            b.FirstParty(c);
        }

        return b.Eos().Signature(signature).Build();
    }
}
