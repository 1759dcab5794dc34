using System.Security.Cryptography;
using System.Text;
using Timmy.Lightning.Crypto;

namespace Timmy.Lightning.Tests;

public class BuilderTests
{
    private static readonly DateTimeOffset RegtestTime = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    [Fact]
    public void Derives_the_spec_node_id_from_the_spec_private_key()
    {
        Assert.Equal(TestKeys.SpecPayee, NodeKeys.DerivePublicKeyHex(TestKeys.SpecPrivateKey));
        Assert.Equal(33, NodeKeys.DerivePublicKey(TestKeys.SpecPrivateKey).Length);
    }

    [Fact]
    public void Reproduces_the_donation_example_exactly()
    {
        var builder = SpecBuilder(amountMsat: null, description: "Please consider supporting this project");

        Assert.Equal(SpecVectors.Get("Please make a donation").Invoice, builder.Encode(TestKeys.SpecPrivateKey));
    }

    [Fact]
    public void Reproduces_the_cup_of_coffee_example_exactly()
    {
        var builder = SpecBuilder(250_000_000, "1 cup coffee", expiry: TimeSpan.FromSeconds(60));

        Assert.Equal(SpecVectors.Get("Please send $3 for a cup of coffee").Invoice, builder.Encode(TestKeys.SpecPrivateKey));
    }

    [Fact]
    public void Reproduces_the_nonsense_example_with_a_utf8_description_exactly()
    {
        var builder = SpecBuilder(250_000_000, "ナンセンス 1杯", expiry: TimeSpan.FromSeconds(60));

        Assert.Equal(SpecVectors.Get("Please send 0.0025 BTC for a cup of nonsense").Invoice, builder.Encode(TestKeys.SpecPrivateKey));
    }

    [Fact]
    public void Reproduces_the_hashed_description_example_exactly()
    {
        var hash = Convert.FromHexString("3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1");
        var builder = new Bolt11InvoiceBuilder
        {
            Network = BitcoinNetwork.Mainnet,
            AmountMsat = 2_000_000_000,
            Timestamp = TestKeys.SpecTimestamp,
            PaymentHash = TestKeys.SpecPaymentHash,
            PaymentSecret = TestKeys.SpecPaymentSecret,
            DescriptionHash = hash,
        };

        Assert.Equal(SpecVectors.Get("Now send $24").Invoice, builder.Encode(TestKeys.SpecPrivateKey));
    }

    [Theory]
    [InlineData(null, "lnbcrt1")]
    [InlineData(1L, "lnbcrt10p1")]
    [InlineData(10L, "lnbcrt100p1")]
    [InlineData(999L, "lnbcrt9990p1")]
    [InlineData(1_000L, "lnbcrt10n1")]
    [InlineData(100_000L, "lnbcrt1u1")]
    [InlineData(21_000_000L, "lnbcrt210u1")]
    [InlineData(123_456_789L, "lnbcrt1234567890p1")]
    [InlineData(100_000_000L, "lnbcrt1m1")]
    [InlineData(100_000_000_000L, "lnbcrt11")]
    [InlineData(2_100_000_000_000_000_000L, "lnbcrt210000001")]
    [InlineData(long.MaxValue, "lnbcrt92233720368547758070p1")]
    public void Regtest_invoices_round_trip(long? amountMsat, string expectedPrefix)
    {
        var builder = new Bolt11InvoiceBuilder
        {
            Network = BitcoinNetwork.Regtest,
            AmountMsat = amountMsat,
            Timestamp = RegtestTime,
            PaymentHash = RandomBytes(1),
            PaymentSecret = RandomBytes(2),
            Description = "refund claim #42",
            Expiry = TimeSpan.FromMinutes(15),
            MinFinalCltvExpiry = 40,
        };

        var encoded = builder.Encode(TestKeys.OtherPrivateKey);
        var invoice = Bolt11Invoice.Decode(encoded);

        Assert.StartsWith(expectedPrefix, encoded, StringComparison.Ordinal);
        AssertMatches(builder, TestKeys.OtherPrivateKey, invoice);
    }

    [Fact]
    public void Build_returns_the_decoded_invoice()
    {
        var builder = RegtestBuilder();

        var invoice = builder.Build(TestKeys.OtherPrivateKey);

        Assert.Equal(builder.Encode(TestKeys.OtherPrivateKey), invoice.PaymentRequest);
        AssertMatches(builder, TestKeys.OtherPrivateKey, invoice);
    }

    [Fact]
    public void Defaults_apply_when_expiry_and_cltv_are_omitted()
    {
        var invoice = (RegtestBuilder() with { Expiry = null, MinFinalCltvExpiry = null }).Build(TestKeys.OtherPrivateKey);

        Assert.Equal(Bolt11Invoice.DefaultExpiry, invoice.Expiry);
        Assert.Equal(TimeSpan.FromHours(1), invoice.Expiry);
        Assert.Equal(18, invoice.MinFinalCltvExpiry);
    }

    [Fact]
    public void Description_hash_round_trips()
    {
        const string longText = "A very long description that lives somewhere else.";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(longText));

        var invoice = (RegtestBuilder() with { Description = null, DescriptionHash = hash }).Build(TestKeys.OtherPrivateKey);

        Assert.Null(invoice.Description);
        Assert.True(invoice.MatchesDescription(longText));
        Assert.False(invoice.MatchesDescription("something else"));
    }

    [Fact]
    public void Payee_node_id_field_is_verified_instead_of_recovered()
    {
        var encoded = (RegtestBuilder() with { IncludePayeeNodeId = true }).Encode(TestKeys.OtherPrivateKey);

        var invoice = Bolt11Invoice.Decode(encoded);

        Assert.Contains("np4q", encoded, StringComparison.Ordinal); // n field, 53 words
        Assert.Equal(NodeKeys.DerivePublicKeyHex(TestKeys.OtherPrivateKey), invoice.PayeeNodeIdHex);
    }

    [Fact]
    public void Signatures_are_deterministic_and_low_s()
    {
        for (var i = 0; i < 25; i++)
        {
            var builder = RegtestBuilder() with { Description = $"invoice {i}", IncludePayeeNodeId = i % 2 == 0 };
            var first = builder.Encode(TestKeys.OtherPrivateKey);

            Assert.Equal(first, builder.Encode(TestKeys.OtherPrivateKey));
            var (_, words) = Bech32.Decode(first);
            var signature = Bech32.FromWords(words.AsSpan(words.Length - Bolt11Signing.SignatureWords));
            Assert.True(Secp256k1.IsLowS(signature.AsSpan(32, 32)));
            Assert.Equal(NodeKeys.DerivePublicKeyHex(TestKeys.OtherPrivateKey), Bolt11Invoice.Decode(first).PayeeNodeIdHex);
        }
    }

    [Fact]
    public void Sub_second_timestamps_are_truncated()
    {
        var invoice = (RegtestBuilder() with { Timestamp = RegtestTime.AddMilliseconds(999) }).Build(TestKeys.OtherPrivateKey);

        Assert.Equal(RegtestTime, invoice.Timestamp);
    }

    [Fact]
    public void Expiry_is_measured_from_the_timestamp()
    {
        var invoice = (RegtestBuilder() with { Expiry = TimeSpan.FromSeconds(600) }).Build(TestKeys.OtherPrivateKey);

        Assert.Equal(RegtestTime.AddSeconds(600), invoice.ExpiresAt);
        Assert.False(invoice.IsExpired(RegtestTime));
        Assert.False(invoice.IsExpired(RegtestTime.AddSeconds(599)));
        Assert.True(invoice.IsExpired(RegtestTime.AddSeconds(600)));
        Assert.True(invoice.IsExpired(RegtestTime.AddDays(1)));
    }

    [Fact]
    public void Zero_expiry_is_expired_immediately()
    {
        var invoice = (RegtestBuilder() with { Expiry = TimeSpan.Zero }).Build(TestKeys.OtherPrivateKey);

        Assert.Equal(TimeSpan.Zero, invoice.Expiry);
        Assert.True(invoice.IsExpired(invoice.Timestamp));
    }

    [Theory]
    [InlineData(BitcoinNetwork.Mainnet, "lnbc")]
    [InlineData(BitcoinNetwork.Testnet, "lntb")]
    [InlineData(BitcoinNetwork.Signet, "lntbs")]
    [InlineData(BitcoinNetwork.Regtest, "lnbcrt")]
    public void Every_network_round_trips(BitcoinNetwork network, string prefix)
    {
        var encoded = (RegtestBuilder() with { Network = network }).Encode(TestKeys.OtherPrivateKey);

        Assert.StartsWith(prefix + "5m1", encoded, StringComparison.Ordinal);
        Assert.Equal(network, Bolt11Invoice.Decode(encoded).Network);
    }

    [Fact]
    public void Longest_inline_description_fits_and_one_more_byte_does_not()
    {
        var fits = new string('a', 639);

        Assert.Equal(fits, (RegtestBuilder() with { Description = fits }).Build(TestKeys.OtherPrivateKey).Description);
        Assert.Throws<InvalidOperationException>(() => (RegtestBuilder() with { Description = fits + "a" }).Encode(TestKeys.OtherPrivateKey));
    }

    [Fact]
    public void Custom_feature_bits_round_trip()
    {
        var invoice = (RegtestBuilder() with { FeatureBits = [9, 14, 17, 25, 99] }).Build(TestKeys.OtherPrivateKey);

        Assert.Equal([9, 14, 17, 25, 99], invoice.FeatureBits);
    }

    [Fact]
    public void Empty_feature_bits_omit_the_field()
    {
        var invoice = (RegtestBuilder() with { FeatureBits = [] }).Build(TestKeys.OtherPrivateKey);

        Assert.Empty(invoice.FeatureBits);
        Assert.Equal(0, invoice.Features.Length);
    }

    public static TheoryData<string, Func<Bolt11InvoiceBuilder, Bolt11InvoiceBuilder>> InvalidBuilders => new()
    {
        { "short payment hash", b => b with { PaymentHash = new byte[31] } },
        { "long payment secret", b => b with { PaymentSecret = new byte[33] } },
        { "no description", b => b with { Description = null } },
        { "both descriptions", b => b with { DescriptionHash = new byte[32] } },
        { "short description hash", b => b with { Description = null, DescriptionHash = new byte[16] } },
        { "zero amount", b => b with { AmountMsat = 0 } },
        { "negative amount", b => b with { AmountMsat = -5 } },
        { "negative expiry", b => b with { Expiry = TimeSpan.FromSeconds(-1) } },
        { "fractional expiry", b => b with { Expiry = TimeSpan.FromMilliseconds(1500) } },
        { "negative cltv", b => b with { MinFinalCltvExpiry = -1 } },
        { "pre-1970 timestamp", b => b with { Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(-1) } },
        { "timestamp beyond 35 bits", b => b with { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1L << 35) } },
    };

    [Theory]
    [MemberData(nameof(InvalidBuilders))]
    public void Invalid_builder_settings_throw(string why, Func<Bolt11InvoiceBuilder, Bolt11InvoiceBuilder> change)
    {
        Assert.NotNull(why);
        Assert.Throws<InvalidOperationException>(() => change(RegtestBuilder()).Encode(TestKeys.OtherPrivateKey));
    }

    [Fact]
    public void Feature_bits_out_of_range_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (RegtestBuilder() with { FeatureBits = [-1] }).Encode(TestKeys.OtherPrivateKey));
        Assert.Throws<ArgumentOutOfRangeException>(() => (RegtestBuilder() with { FeatureBits = [5115] }).Encode(TestKeys.OtherPrivateKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")] // = n
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db73400")]
    public void Invalid_private_keys_throw(string hex)
    {
        var key = Convert.FromHexString(hex);

        Assert.Throws<ArgumentException>(() => RegtestBuilder().Encode(key));
        Assert.Throws<ArgumentException>(() => NodeKeys.DerivePublicKey(key));
    }

    private static Bolt11InvoiceBuilder SpecBuilder(long? amountMsat, string description, TimeSpan? expiry = null) => new()
    {
        Network = BitcoinNetwork.Mainnet,
        AmountMsat = amountMsat,
        Timestamp = TestKeys.SpecTimestamp,
        PaymentHash = TestKeys.SpecPaymentHash,
        PaymentSecret = TestKeys.SpecPaymentSecret,
        Description = description,
        Expiry = expiry,
    };

    private static Bolt11InvoiceBuilder RegtestBuilder() => new()
    {
        Network = BitcoinNetwork.Regtest,
        AmountMsat = 500_000_000,
        Timestamp = RegtestTime,
        PaymentHash = RandomBytes(1),
        PaymentSecret = RandomBytes(2),
        Description = "refund",
        Expiry = TimeSpan.FromMinutes(10),
        MinFinalCltvExpiry = 40,
    };

    // Deterministic "random" 32 bytes so failures are reproducible.
    private static byte[] RandomBytes(int seed) => SHA256.HashData(BitConverter.GetBytes(seed));

    private static void AssertMatches(Bolt11InvoiceBuilder builder, byte[] privateKey, Bolt11Invoice invoice)
    {
        Assert.Equal(builder.Network, invoice.Network);
        Assert.Equal(builder.AmountMsat, invoice.AmountMsat);
        Assert.Equal(builder.Timestamp, invoice.Timestamp);
        Assert.True(builder.PaymentHash.Span.SequenceEqual(invoice.PaymentHash.Span));
        Assert.True(builder.PaymentSecret.Span.SequenceEqual(invoice.PaymentSecret.Span));
        Assert.Equal(builder.Description, invoice.Description);
        Assert.Equal(builder.Expiry ?? Bolt11Invoice.DefaultExpiry, invoice.Expiry);
        Assert.Equal(builder.MinFinalCltvExpiry ?? Bolt11Invoice.DefaultMinFinalCltvExpiry, invoice.MinFinalCltvExpiry);
        Assert.Equal(NodeKeys.DerivePublicKeyHex(privateKey), invoice.PayeeNodeIdHex);
        Assert.Equal(builder.FeatureBits.Order(), invoice.FeatureBits);
        Assert.Empty(invoice.RouteHints);
        Assert.Empty(invoice.FallbackAddresses);
        Assert.Null(invoice.Metadata);
    }
}
