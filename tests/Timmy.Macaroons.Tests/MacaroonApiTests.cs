namespace Timmy.Macaroons.Tests;

public sealed class MacaroonApiTests
{
    [Fact]
    public void Adding_a_caveat_returns_a_new_macaroon_and_leaves_the_original_alone()
    {
        var original = Samples.NoCaveats;
        var signature = original.Signature.ToArray();
        var attenuated = original.AddFirstPartyCaveat("user = alice");

        Assert.Empty(original.Caveats);
        Assert.Equal(signature, original.Signature.ToArray());
        Assert.Single(attenuated.Caveats);
        Assert.NotEqual(original, attenuated);
        Assert.Equal(original.Location, attenuated.Location);
        Assert.Equal(original.Identifier.ToArray(), attenuated.Identifier.ToArray());
    }

    [Fact]
    public void Caveat_signature_chain_is_hmac_of_previous_signature()
    {
        var m = Samples.NoCaveats;
        var next = m.AddFirstPartyCaveat("user = alice");
        var expected = System.Security.Cryptography.HMACSHA256.HashData(m.Signature.Span, "user = alice"u8);
        Assert.Equal(expected, next.Signature.ToArray());
    }

    [Fact]
    public void Create_validates_arguments()
    {
        Assert.Throws<ArgumentException>(() => Macaroon.Create([], "id", "loc"));
        Assert.Throws<ArgumentNullException>(() => Macaroon.Create(Samples.RootKey, (string)null!, "loc"));
        Assert.Throws<ArgumentNullException>(() => Macaroon.Create(Samples.RootKey, "id", null!));
        Assert.Throws<ArgumentException>(() => Macaroon.Create(Samples.RootKey, "bad \ud800 id", "loc"));
        Assert.Throws<ArgumentException>(() => Macaroon.Create(Samples.RootKey, "id", "bad \udc00 loc"));
        Assert.Throws<ArgumentException>(() => Samples.NoCaveats.AddFirstPartyCaveat(""));
        Assert.Throws<ArgumentException>(() => Samples.NoCaveats.AddFirstPartyCaveat(ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentNullException>(() => Samples.NoCaveats.AddFirstPartyCaveat((string)null!));
    }

    [Fact]
    public void Binary_identifiers_round_trip()
    {
        byte[] id = [0x00, 0xFF, 0x80, 0x0A, 0x20];
        var m = Macaroon.Create(Samples.RootKey, id, "").AddFirstPartyCaveat("a = b");
        Assert.Null(m.IdentifierText);
        foreach (var version in new[] { MacaroonVersion.V1, MacaroonVersion.V2 })
        {
            var back = Macaroon.Deserialize(m.Serialize(version));
            Assert.Equal(m, back);
            Assert.Equal(id, back.Identifier.ToArray());
        }
    }

    [Fact]
    public void Unicode_location_and_caveats_round_trip()
    {
        var m = Macaroon.Create(Samples.RootKey, "ключ", "https://timmy.example/λ").AddFirstPartyCaveat("note = 😀");
        Assert.Equal(m, Macaroon.Deserialize(m.Serialize()));
        Assert.Equal(m, Macaroon.Deserialize(m.Serialize(MacaroonVersion.V1)));
        Assert.Equal("note = 😀", m.Caveats[0].IdentifierText);
    }

    [Fact]
    public void Empty_location_is_omitted_in_V2_and_kept_empty_in_V1()
    {
        var m = Samples.NoLocation;
        Assert.Equal(0x02, m.ToBinary()[1]); // identifier field right after the version byte
        Assert.Equal("", Macaroon.Deserialize(m.Serialize()).Location);
        Assert.Equal("", Macaroon.Deserialize(m.Serialize(MacaroonVersion.V1)).Location);
    }

    [Fact]
    public void Serialize_emits_url_safe_base64_without_padding()
    {
        for (var i = 0; i < 64; i++)
        {
            var text = Samples.NoCaveats.AddFirstPartyCaveat($"n = {i}").Serialize();
            Assert.DoesNotContain('=', text);
            Assert.DoesNotContain('+', text);
            Assert.DoesNotContain('/', text);
        }
    }

    [Fact]
    public void All_four_base64_spellings_are_accepted()
    {
        // Find a macaroon whose encoding uses both alphabet-specific characters.
        var m = Enumerable.Range(0, 1000)
            .Select(i => Samples.NoCaveats.AddFirstPartyCaveat($"n = {i}"))
            .First(x => Convert.ToBase64String(x.ToBinary()) is var s && s.Contains('+') && s.Contains('/') && s.EndsWith('='));
        var standard = Convert.ToBase64String(m.ToBinary());
        var spellings = new[]
        {
            standard,
            standard.TrimEnd('='),
            standard.Replace('+', '-').Replace('/', '_'),
            standard.Replace('+', '-').Replace('/', '_').TrimEnd('='),
        };

        foreach (var text in spellings)
        {
            Assert.Equal(m, Macaroon.Deserialize(text));
        }

        var mixed = standard.Replace('+', '-'); // still contains '/'
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(mixed));
    }

    [Fact]
    public void Non_canonical_base64_and_whitespace_are_rejected()
    {
        var text = Enumerable.Range(0, 100)
            .Select(i => Samples.NoCaveats.AddFirstPartyCaveat($"n = {i}").Serialize())
            .First(t => t.Length % 4 == 2);
        var last = text[^1];
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var sloppy = text[..^1] + alphabet[alphabet.IndexOf(last) | 1]; // sets an unused low bit
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(sloppy));

        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(" " + text));
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(text + "\r\n"));
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(text[..10] + "\n" + text[10..]));
        Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(text + "="));
    }

    [Fact]
    public void ToString_never_reveals_the_signature()
    {
        var m = Samples.ThreeCaveats;
        var s = m.ToString();
        Assert.Contains("account = 3735928559", s);
        Assert.DoesNotContain(Convert.ToHexString(m.Signature.Span), s, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(m.Serialize(), s);
    }

    [Fact]
    public void Equality_covers_every_field()
    {
        var a = Samples.ThreeCaveats;
        var b = Macaroon.Deserialize(a.Serialize());
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Macaroon.Create(Samples.RootKey, "keyid", "http://other/")); // location
        Assert.NotEqual(Samples.NoCaveats, Macaroon.Create("other key"u8, "keyid", "http://example.org/")); // signature
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void Third_party_caveat_properties_are_exposed()
    {
        var m = Macaroon.FromBinary(GoMacaroonVectorTests.V2Binary());
        var first = m.Caveats[0];
        var third = m.Caveats[1];
        Assert.True(first.IsFirstParty);
        Assert.Null(first.Location);
        Assert.True(first.VerificationId.IsEmpty);
        Assert.True(third.IsThirdParty);
        Assert.Equal("http://auth.mybank/", third.Location);
        Assert.Equal(72, third.VerificationId.Length);
        Assert.Equal("this was how we remind auth of key/pred", third.IdentifierText);
    }
}
