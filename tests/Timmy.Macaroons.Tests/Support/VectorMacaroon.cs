namespace Timmy.Macaroons.Tests;

/// <summary>
/// Decodes a macaroon line from a libmacaroons test file. Each line is base64 of the serialized
/// form: for V2 that is the binary (first byte 0x02); for V1 it is libmacaroons' base64 text of
/// the packets (so V1 lines are base64 twice). The doc/tests.txt example instead holds the V1
/// text directly, whose decoding starts with a hex digit.
/// </summary>
internal static class VectorMacaroon
{
    public static Macaroon Decode(string line)
    {
        var bytes = TestBase64.DecodeAny(line);
        return IsBinary(bytes) ? Macaroon.FromBinary(bytes) : Macaroon.Deserialize(TestBase64.Ascii(bytes));
    }

    /// <summary>Asserts the library re-serializes the macaroon to exactly the vector's bytes.</summary>
    public static void AssertReserializesExactly(string line, Macaroon m)
    {
        var bytes = TestBase64.DecodeAny(line);
        if (bytes[0] == 0x02)
        {
            Assert.Equal(bytes, m.ToBinary(MacaroonVersion.V2));
            Assert.Equal(line.TrimEnd('='), m.Serialize());
        }
        else if (IsBinary(bytes))
        {
            Assert.Equal(bytes, m.ToBinary(MacaroonVersion.V1));
            Assert.Equal(line.TrimEnd('='), m.Serialize(MacaroonVersion.V1));
        }
        else
        {
            Assert.Equal(TestBase64.Ascii(bytes).TrimEnd('='), m.Serialize(MacaroonVersion.V1));
        }
    }

    private static bool IsBinary(byte[] bytes) => bytes[0] == 0x02 || bytes[0] is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f');
}
