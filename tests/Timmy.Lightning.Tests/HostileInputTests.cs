namespace Timmy.Lightning.Tests;

/// <summary>Whatever arrives over the API, decoding fails with <see cref="Bolt11FormatException"/> only.</summary>
public class HostileInputTests
{
    private static readonly string Valid = SpecVectors.Get("Please send $3 for a cup of coffee").Invoice;

    public static TheoryData<string> Garbage =>
    [
        "",
        " ",
        "\0",
        "\n",
        "\t\r\n",
        "1",
        "11111111",
        "ln",
        "lnbc",
        "LNBC",
        "lnbc1",
        "lnbc1qqqqqq",
        "lnbc1qqqqqqqqqqqqqqqqqqqq",
        "ln1",
        "lnbcrt",
        "lnbc2500u",
        "lnbc2500u1",
        "null",
        "undefined",
        "{}",
        "[]",
        "<script>alert(1)</script>",
        "'; DROP TABLE invoices; --",
        "%00%0a",
        "💩",
        "lnbc1💩",
        "ｌｎｂｃ１",
        "\u0000" + Valid,
        Valid + "\u0000",
        " " + Valid,
        Valid + " ",
        Valid + "\n",
        "lightning:" + Valid,
        "LIGHTNING:" + Valid.ToUpperInvariant(),
        Valid[..^1],
        Valid + "q",
        Valid.Replace('1', 'l'),
        Valid.Insert(10, "\u200b"),
        Valid.Insert(10, "-"),
        Valid[..4] + Valid[4..].ToUpperInvariant(),
        "lnbc1" + new string('q', 200),
        new string('1', 500),
        new string('q', Bolt11Invoice.MaxLength),
        new string('q', Bolt11Invoice.MaxLength + 1),
        new string('\uffff', 100),
        "\ud800",
        "lnbc\ud83d1qqqqqqqqqqqqqqqqq",
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_rejected_with_a_format_exception(string input)
    {
        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(input));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Null(ex.InnerException); // every case above is caught by an explicit check

        Assert.False(Bolt11Invoice.TryDecode(input, out var invoice, out var error));
        Assert.Null(invoice);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Null_is_rejected()
    {
        Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(null!));
        Assert.False(Bolt11Invoice.TryDecode(null, out _, out var error));
        Assert.Equal("invoice is empty", error);
    }

    [Fact]
    public void Oversized_input_is_rejected_before_any_parsing()
    {
        var huge = "lnbc1" + new string('q', 1_000_000);

        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(huge));

        Assert.Equal($"invoice is longer than {Bolt11Invoice.MaxLength} characters", ex.Message);
    }

    [Fact]
    public void Garbage_error_messages_do_not_echo_control_or_non_ascii_characters()
    {
        Assert.False(Bolt11Invoice.TryDecode("lnbc1\u0007\u202e💩", out _, out var error));

        Assert.All(error!, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Every_truncation_of_a_valid_invoice_is_rejected()
    {
        for (var length = 0; length < Valid.Length; length++)
        {
            AssertRejected(Valid[..length]);
        }
    }

    [Fact]
    public void Every_single_character_substitution_is_rejected()
    {
        for (var i = 0; i < Valid.Length; i++)
        {
            var replacement = Valid[i] == 'q' ? 'p' : 'q';
            AssertRejected(Valid[..i] + replacement + Valid[(i + 1)..]);
        }
    }

    [Fact]
    public void Random_words_with_a_valid_checksum_are_rejected()
    {
        var random = new Random(11);
        string[] hrps = ["lnbc", "lnbcrt", "lntb", "lntbs", "lnbc10u", "lnbc1p", "ln", "x"];
        for (var i = 0; i < 400; i++)
        {
            var words = new byte[random.Next(0, 400)];
            for (var j = 0; j < words.Length; j++)
            {
                words[j] = (byte)random.Next(32);
            }

            AssertRejected(Bech32.Encode(hrps[i % hrps.Length], words));
        }
    }

    [Fact]
    public void Mutated_invoices_with_a_fixed_checksum_never_throw_anything_else()
    {
        // Mutating a signed invoice and re-checksumming it may still decode (recovery then yields
        // another payee), but it must never surface any other exception type.
        var (hrp, words) = Bech32.Decode(SpecVectors.Get("On mainnet, with fallback address 1Rusty").Invoice);
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var mutated = (byte[])words.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(32);
            }

            var candidate = Bech32.Encode(hrp, mutated);
            try
            {
                var invoice = Bolt11Invoice.Decode(candidate);
                Assert.Equal(candidate, invoice.PaymentRequest);
            }
            catch (Bolt11FormatException)
            {
                // expected for most mutations
            }
        }
    }

    [Fact]
    public void Random_unicode_strings_are_rejected()
    {
        var random = new Random(3);
        for (var i = 0; i < 300; i++)
        {
            var chars = new char[random.Next(0, 300)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x10000);
            }

            AssertRejected(new string(chars));
        }
    }

    private static void AssertRejected(string input)
    {
        Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(input));
        Assert.False(Bolt11Invoice.TryDecode(input, out _, out var error));
        Assert.NotNull(error);
    }
}
