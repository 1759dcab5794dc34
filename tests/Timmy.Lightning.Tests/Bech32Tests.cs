namespace Timmy.Lightning.Tests;

public class Bech32Tests
{
    // BIP-173 test vectors.
    [Theory]
    [InlineData("A12UEL5L")]
    [InlineData("a12uel5l")]
    [InlineData("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs")]
    [InlineData("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")]
    [InlineData("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")]
    [InlineData("?1ezyfcl")]
    // Invalid in BIP-173 only for exceeding 90 characters, a limit BOLT #11 drops.
    [InlineData("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx")]
    public void Valid_strings_decode_and_reencode(string value)
    {
        var (hrp, words) = Bech32.Decode(value);

        Assert.Equal(value.ToLowerInvariant(), Bech32.Encode(hrp, words));
    }

    [Fact]
    public void Long_all_zero_vector_decodes()
    {
        var value = "11" + new string('q', 82) + "c8247j";

        var (hrp, words) = Bech32.Decode(value);

        Assert.Equal("1", hrp);
        Assert.Equal(82, words.Length);
        Assert.All(words, w => Assert.Equal(0, w));
    }

    [Theory]
    [InlineData("\u00201nwldj5", "invalid character")]
    [InlineData("\u007f1axkwrx", "invalid character")]
    [InlineData("\u00801eym55h", "invalid character")]
    [InlineData("pzry9x0s0muk", "missing separator")]
    [InlineData("1pzry9x0s0muk", "empty human-readable part")]
    [InlineData("x1b4n0q5v", "invalid data character 'b'")]
    [InlineData("li1dgmt3", "too short")]
    [InlineData("de1lg7wt\u00ff", "invalid character")]
    [InlineData("A1G7SGD8", "invalid checksum")]
    [InlineData("10a06t8", "empty human-readable part")]
    [InlineData("1qzzfhee", "empty human-readable part")]
    [InlineData("a12UEL5L", "mixed case")]
    [InlineData("", "empty string")]
    public void Invalid_strings_are_rejected_with_a_reason(string value, string reason)
    {
        Assert.False(Bech32.TryDecode(value, out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var ex = Assert.Throws<FormatException>(() => Bech32.Decode(value));
        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public void There_is_no_90_character_limit()
    {
        var words = Enumerable.Range(0, 2000).Select(i => (byte)(i % 32)).ToArray();
        var encoded = Bech32.Encode("lnbc", words);

        var (hrp, decoded) = Bech32.Decode(encoded);

        Assert.True(encoded.Length > 2000);
        Assert.Equal("lnbc", hrp);
        Assert.Equal(words, decoded);
    }

    [Fact]
    public void Uppercase_input_decodes_to_a_lowercase_hrp()
    {
        var (hrp, _) = Bech32.Decode("A12UEL5L");

        Assert.Equal("a", hrp);
    }

    [Fact]
    public void Every_single_character_substitution_breaks_the_checksum()
    {
        const string valid = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";
        for (var i = valid.IndexOf('1') + 1; i < valid.Length; i++)
        {
            foreach (var c in Bech32.Charset.Where(c => c != valid[i]))
            {
                var mutated = valid[..i] + c + valid[(i + 1)..];
                Assert.False(Bech32.TryDecode(mutated, out _, out _, out _), mutated);
            }
        }
    }

    [Fact]
    public void Words_and_bytes_convert_both_ways()
    {
        byte[] bytes = [0x00, 0xff, 0x10, 0x20, 0x7f];

        var words = Bech32.ToWords(bytes);

        Assert.Equal(8, words.Length); // 40 bits = 8 words exactly
        Assert.All(words, w => Assert.InRange(w, (byte)0, (byte)31));
        Assert.Equal(bytes, Bech32.FromWords(words));
    }

    [Fact]
    public void To_words_pads_and_from_words_drops_the_padding()
    {
        byte[] hash = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        var words = Bech32.ToWords(hash);

        Assert.Equal(52, words.Length); // 256 bits -> 52 words, 4 padding bits
        Assert.Equal(hash, Bech32.FromWords(words));
    }

    [Fact]
    public void Convert_bits_with_padding_appends_zero_bits()
    {
        // 3 words = 15 bits -> 2 bytes; the final bit is zero padding.
        Assert.Equal(new byte[] { 0xff, 0xfe }, Bech32.ConvertBits([31, 31, 31], 5, 8, pad: true));
        Assert.Equal(new byte[] { 0xff }, Bech32.ConvertBits([31, 31, 31], 5, 8, pad: false));
    }

    [Fact]
    public void Encode_rejects_bad_arguments()
    {
        Assert.Throws<ArgumentException>(() => Bech32.Encode("", [1]));
        Assert.Throws<ArgumentException>(() => Bech32.Encode("LNBC", [1]));
        Assert.Throws<ArgumentException>(() => Bech32.Encode("ln bc", [1]));
        Assert.Throws<ArgumentException>(() => Bech32.Encode("lnbc", [32]));
        Assert.Throws<ArgumentException>(() => Bech32.ConvertBits([0x20], 5, 8, pad: false));
    }
}
