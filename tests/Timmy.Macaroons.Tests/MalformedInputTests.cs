using System.Text;

namespace Timmy.Macaroons.Tests;

/// <summary>Hand-crafted malformed inputs, garbage strings and randomized fuzzing.</summary>
public sealed class MalformedInputTests
{
    private static readonly byte[] Sig = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly Dictionary<string, byte[]> MalformedV2 = new()
    {
        ["empty"] = [],
        ["version byte only"] = [0x02],
        ["version 1 binary byte"] = [0x01, 0x02, 0x01, (byte)'x', 0x00, 0x00, 0x06, 0x20, .. Sig],
        ["version 3"] = [0x03, 0x02, 0x01, (byte)'x', 0x00, 0x00, 0x06, 0x20, .. Sig],
        ["no identifier"] = new V2Builder().Field(1, "loc").Eos().Eos().Signature(Sig).Build(),
        ["identifier before location"] = new V2Builder().Field(2, "id").Field(1, "loc").Eos().Eos().Signature(Sig).Build(),
        ["duplicate identifier"] = new V2Builder().Field(2, "id").Field(2, "id").Eos().Eos().Signature(Sig).Build(),
        ["duplicate location"] = new V2Builder().Field(1, "a").Field(1, "b").Field(2, "id").Eos().Eos().Signature(Sig).Build(),
        ["unknown header field 3"] = new V2Builder().Field(2, "id").Field(3, "x").Eos().Eos().Signature(Sig).Build(),
        ["signature in header"] = new V2Builder().Field(2, "id").Field(6, Sig).Eos().Eos().Signature(Sig).Build(),
        ["missing final EOS"] = new V2Builder().Header().FirstParty("a").Signature(Sig).Build(),
        ["legacy double EOS"] = new V2Builder().Header().Eos().Eos().Signature(Sig).Build(),
        ["missing signature"] = new V2Builder().Header().Eos().Build(),
        ["signature 31 bytes"] = new V2Builder().Header().Eos().Signature(Sig[..31]).Build(),
        ["signature 33 bytes"] = new V2Builder().Header().Eos().Signature([.. Sig, 0]).Build(),
        ["signature 0 bytes"] = new V2Builder().Header().Eos().Signature([]).Build(),
        ["wrong final field type"] = new V2Builder().Header().Eos().Field(5, Sig).Build(),
        ["two signatures"] = new V2Builder().Header().Eos().Signature(Sig).Signature(Sig).Build(),
        ["trailing EOS"] = new V2Builder().Header().Eos().Signature(Sig).Eos().Build(),
        ["caveat without identifier"] = new V2Builder().Header().Field(4, "vid").Eos().Eos().Signature(Sig).Build(),
        ["first-party caveat with location"] = new V2Builder().Header().Field(1, "loc").Field(2, "cav").Eos().Eos().Signature(Sig).Build(),
        ["caveat fields out of order"] = new V2Builder().Header().Field(2, "cav").Field(1, "loc").Eos().Eos().Signature(Sig).Build(),
        ["caveat vid before id"] = new V2Builder().Header().Field(4, "vid").Field(2, "cav").Eos().Eos().Signature(Sig).Build(),
        ["caveat empty vid"] = new V2Builder().Header().Field(2, "cav").Field(4, []).Eos().Eos().Signature(Sig).Build(),
        ["caveat duplicate vid"] = new V2Builder().Header().Field(2, "cav").Field(4, "v").Field(4, "v").Eos().Eos().Signature(Sig).Build(),
        ["caveat unknown field"] = new V2Builder().Header().Field(2, "cav").Field(5, "x").Eos().Eos().Signature(Sig).Build(),
        ["caveat field type 128"] = new V2Builder().Header().Field(2, "cav").Field(128, "x").Eos().Eos().Signature(Sig).Build(),
        ["unterminated caveat"] = new V2Builder().Header().Field(2, "cav").Build(),
        ["length past end"] = new V2Builder().Raw(0x02, 0x10, (byte)'i').Build(),
        ["length 2^31-1"] = new V2Builder().Raw(0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, (byte)'i').Build(),
        ["length 2^35"] = new V2Builder().Raw(0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).Build(),
        ["length varint never ends"] = new V2Builder().Raw(0x02, 0xFF, 0xFF, 0xFF).Build(),
        ["non-minimal length varint"] = new V2Builder().Raw([0x02, 0x82, 0x00, (byte)'i', (byte)'d', 0x00, 0x00, 0x06, 0x20, .. Sig]).Build(),
        ["non-minimal type varint"] = new V2Builder().Raw([0x82, 0x00, 0x02, (byte)'i', (byte)'d', 0x00, 0x00, 0x06, 0x20, .. Sig]).Build(),
        ["invalid UTF-8 location"] = new V2Builder().Field(1, [0xC3, 0x28]).Field(2, "id").Eos().Eos().Signature(Sig).Build(),
        ["invalid UTF-8 caveat location"] = new V2Builder().Header().Field(1, [0xFF]).Field(2, "cav").Field(4, "v").Eos().Eos().Signature(Sig).Build(),
    };

    private static readonly Dictionary<string, string> MalformedV1 = new()
    {
        ["uppercase hex length"] = Packet("location", "x").ToUpperInvariant() + Packet("identifier", "id") + SigPacket(),
        ["length too small"] = "0004" + Packet("identifier", "id") + SigPacket(),
        ["length zero"] = "0000location x\n" + Packet("identifier", "id") + SigPacket(),
        ["length past end"] = "ffff" + "location x\n",
        ["missing newline"] = "000flocation xy" + Packet("identifier", "id") + SigPacket(),
        ["no space"] = "000dlocation\n" + Packet("identifier", "id") + SigPacket(),
        ["empty field name"] = "0007 x\n" + Packet("identifier", "id") + SigPacket(),
        ["unknown field"] = Packet("location", "x") + Packet("identifier", "id") + Packet("foo", "bar") + SigPacket(),
        ["missing location"] = Packet("identifier", "id") + SigPacket(),
        ["identifier first"] = Packet("identifier", "id") + Packet("location", "x") + SigPacket(),
        ["missing identifier"] = Packet("location", "x") + SigPacket(),
        ["missing signature"] = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a"),
        ["vid before cid"] = Packet("location", "x") + Packet("identifier", "id") + Packet("vid", "v") + Packet("cid", "a") + SigPacket(),
        ["cl without vid"] = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a") + Packet("cl", "l") + SigPacket(),
        ["duplicate vid"] = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a") + Packet("vid", "v") + Packet("vid", "v") + SigPacket(),
        ["duplicate cl"] = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a") + Packet("vid", "v") + Packet("cl", "l") + Packet("cl", "l") + SigPacket(),
        ["empty vid"] = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a") + Packet("vid", "") + SigPacket(),
        ["duplicate location"] = Packet("location", "x") + Packet("location", "x") + Packet("identifier", "id") + SigPacket(),
        ["signature 31 bytes"] = Packet("location", "x") + Packet("identifier", "id") + Packet("signature", new string('s', 31)),
        ["trailing data"] = Packet("location", "x") + Packet("identifier", "id") + SigPacket() + "0",
        ["trailing packet"] = Packet("location", "x") + Packet("identifier", "id") + SigPacket() + Packet("cid", "a"),
        ["truncated header"] = Packet("location", "x") + "00",
    };

    public static TheoryData<string> MalformedV2Names => new(MalformedV2.Keys);

    public static TheoryData<string> MalformedV1Names => new(MalformedV1.Keys);

    public static TheoryData<string> GarbageStrings => new(
        "", " ", "\n", "\t", "=", "==", "===", "====", "A", "AA", "AAA", "AAAA", "AAAAAAAA",
        "AgE", "AgE=", "Ag==", "AgETaHR0cDovL2V4YW1wbGUub3JnLw", "not a macaroon", "macaroon",
        "{\"v\":2}", "eyJ2IjoyfQ", "eyJpZGVudGlmaWVyIjoieCJ9", "null", "<xml/>", "\0\0\0\0",
        "%%%%", "AgE/AgE-", "Ag E=", " AgE", "AgE\n", "////", "____", "++++", "----",
        "MDAxY2xvY2F0aW9u", "MDAwMGxvY2F0aW9uIAo", "MDA", "héllo", "😀😀😀😀", "\u2028\u2029",
        "TURBeU1XeHZZMkYwYVc5dUlHaDBkSEE2THk5bGVHRnRjR3hsTG05eVp5OEtNREF4Tldsa1pXNTBhV1pwWlhJZ2EyVjVhV1FL",
        "Ag" + new string('A', 100), "AgEA", "AgIA", "AgIAAA", "AgIAAAYg", "ZmZmZg", new string('/', 1000));

    [Theory]
    [MemberData(nameof(MalformedV2Names))]
    public void Malformed_V2_binary_is_rejected(string name)
    {
        var bytes = MalformedV2[name];
        var ex = Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(bytes));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        if (bytes.Length > 0)
        {
            Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(Convert.ToBase64String(bytes)));
        }
    }

    [Theory]
    [MemberData(nameof(MalformedV1Names))]
    public void Malformed_V1_packets_are_rejected(string name)
    {
        var bytes = Encoding.Latin1.GetBytes(MalformedV1[name]);
        Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(bytes));
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(TestBase64.UrlUnpadded(bytes)));
    }

    [Fact]
    public void Well_formed_handmade_V1_with_third_party_caveat_parses()
    {
        // Guards the malformed cases above: the same builder produces acceptable input.
        var v1 = Packet("location", "x") + Packet("identifier", "id") + Packet("cid", "a")
            + Packet("cid", "b") + Packet("cl", "http://tp/") + Packet("vid", "v") + SigPacket();
        var m = Macaroon.FromBinary(Encoding.Latin1.GetBytes(v1));
        Assert.Equal(2, m.Caveats.Length);
        Assert.True(m.Caveats[0].IsFirstParty);
        Assert.True(m.Caveats[1].IsThirdParty);
        Assert.Equal("http://tp/", m.Caveats[1].Location);
    }

    [Theory]
    [MemberData(nameof(GarbageStrings))]
    public void Garbage_strings_are_rejected_with_a_format_error(string garbage)
    {
        var ex = Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(garbage));
        Assert.IsAssignableFrom<FormatException>(ex);
        Assert.False(Macaroon.TryDeserialize(garbage, out var m, out var error));
        Assert.Null(m);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Null_input_is_an_argument_error_or_a_false_try()
    {
        Assert.Throws<ArgumentNullException>(() => Macaroon.Deserialize(null!));
        Assert.False(Macaroon.TryDeserialize(null, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Random_bytes_and_strings_never_escape_as_other_exceptions()
    {
        var random = new Random(20240601);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=";
        for (var n = 0; n < 3000; n++)
        {
            var bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && n % 3 == 0)
            {
                bytes[0] = 0x02; // steer into the V2 parser
            }
            else if (bytes.Length > 0 && n % 3 == 1)
            {
                bytes[0] = (byte)'0'; // steer into the V1 parser
            }

            AssertOnlyFormatErrors(() => Macaroon.FromBinary(bytes));

            var chars = new char[random.Next(0, 160)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            AssertOnlyFormatErrors(() => Macaroon.Deserialize(new string(chars)));
        }
    }

    [Fact]
    public void Random_multi_edit_mutations_of_valid_macaroons_are_safe()
    {
        var random = new Random(7);
        var seeds = Samples.All()
            .SelectMany(s => new[] { s.Macaroon.ToBinary(MacaroonVersion.V1), s.Macaroon.ToBinary(MacaroonVersion.V2) })
            .ToList();

        for (var n = 0; n < 5000; n++)
        {
            var data = seeds[random.Next(seeds.Count)].ToList();
            var edits = random.Next(1, 5);
            for (var e = 0; e < edits && data.Count > 0; e++)
            {
                var at = random.Next(data.Count);
                switch (random.Next(4))
                {
                    case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                    case 1: data.RemoveAt(at); break;
                    case 2: data.Insert(at, (byte)random.Next(256)); break;
                    default: data[at] = (byte)random.Next(256); break;
                }
            }

            var bytes = data.ToArray();
            Macaroon parsed;
            try
            {
                parsed = Macaroon.FromBinary(bytes);
            }
            catch (MacaroonFormatException)
            {
                continue;
            }

            if (Samples.Permissive().Verify(parsed, Samples.RootKey).IsAuthorized)
            {
                Assert.Contains(Samples.All(), s => Samples.SameAuthenticatedContent(s.Macaroon, parsed));
            }
        }
    }

    [Fact]
    public void Oversized_input_is_rejected_before_decoding()
    {
        var text = new string('A', Macaroon.MaxTextLength + 1);
        var ex = Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(text));
        Assert.Contains("limit", ex.Message);

        var bytes = new byte[Macaroon.MaxBinaryLength + 1];
        bytes[0] = 0x02;
        Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(bytes));
    }

    [Fact]
    public void Macaroons_near_the_size_limit_round_trip_and_larger_ones_are_refused_on_write()
    {
        var m = Samples.NoCaveats;
        var chunk = new string('c', 1000);
        while (m.ToBinary().Length + 1100 <= Macaroon.MaxBinaryLength)
        {
            m = m.AddFirstPartyCaveat(chunk);
        }

        var text = m.Serialize();
        Assert.True(text.Length <= Macaroon.MaxTextLength);
        Assert.Equal(m, Macaroon.Deserialize(text));
        Assert.True(Samples.Permissive().Verify(Macaroon.Deserialize(text), Samples.RootKey).IsAuthorized);

        var tooBig = m.AddFirstPartyCaveat(new string('x', 2000));
        Assert.Throws<InvalidOperationException>(() => tooBig.Serialize());
        Assert.Throws<InvalidOperationException>(() => tooBig.ToBinary(MacaroonVersion.V1));
    }

    [Fact]
    public void V1_refuses_fields_longer_than_its_length_header_allows()
    {
        var m = Macaroon.Create(Samples.RootKey, new byte[0xFFFF], "");
        Assert.Throws<InvalidOperationException>(() => m.ToBinary(MacaroonVersion.V1));
    }

    private static void AssertOnlyFormatErrors(Action action)
    {
        try
        {
            action();
        }
        catch (MacaroonFormatException)
        {
        }
    }

    private static string Packet(string name, string value)
    {
        var length = 4 + name.Length + 1 + Encoding.Latin1.GetByteCount(value) + 1;
        return $"{length:x4}{name} {value}\n";
    }

    private static string SigPacket() => Packet("signature", Encoding.Latin1.GetString(Sig));
}
