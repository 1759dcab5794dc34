using System.Security.Cryptography;
using System.Text;

namespace Timmy.Lightning.Tests;

/// <summary>Edge cases built field by field with the internal writer, then properly signed.</summary>
public class CraftedInvoiceTests
{
    internal const string Hrp = "lnbcrt10u";
    private const long Time = 1_750_000_000;
    internal static readonly byte[] Key = TestKeys.OtherPrivateKey;
    private static readonly byte[] HashA = SHA256.HashData("a"u8);
    private static readonly byte[] HashB = SHA256.HashData("b"u8);

    [Fact]
    public void Minimal_invoice_decodes_with_defaults()
    {
        var invoice = Decode(Base().AddBytes(Bolt11Tag.Description, "x"u8));

        Assert.Equal(BitcoinNetwork.Regtest, invoice.Network);
        Assert.Equal(1_000_000, invoice.AmountMsat);
        Assert.Equal(Convert.ToHexStringLower(HashA), invoice.PaymentHashHex);
        Assert.Empty(invoice.FeatureBits);
        Assert.Equal(TimeSpan.FromHours(1), invoice.Expiry);
        Assert.Equal(18, invoice.MinFinalCltvExpiry);
    }

    [Fact]
    public void Missing_payment_hash_is_rejected()
    {
        var writer = new Bolt11Writer(Time).AddBytes(Bolt11Tag.PaymentSecret, HashB).AddBytes(Bolt11Tag.Description, "x"u8);

        AssertRejected(writer, "missing payment hash (p)");
    }

    [Fact]
    public void Missing_description_is_rejected()
    {
        AssertRejected(Base(), "missing description (d) or description hash (h)");
    }

    [Fact]
    public void Description_and_description_hash_together_are_rejected()
    {
        AssertRejected(Base().AddBytes(Bolt11Tag.Description, "x"u8).AddBytes(Bolt11Tag.DescriptionHash, HashB), "both");
    }

    [Fact]
    public void First_valid_field_of_a_type_wins_and_wrong_lengths_are_skipped()
    {
        var writer = new Bolt11Writer(Time)
            .AddField(Bolt11Tag.PaymentHash, new byte[51])
            .AddBytes(Bolt11Tag.PaymentHash, HashA)
            .AddBytes(Bolt11Tag.PaymentHash, HashB)
            .AddField(Bolt11Tag.PaymentSecret, new byte[53])
            .AddBytes(Bolt11Tag.PaymentSecret, HashB)
            .AddBytes(Bolt11Tag.Description, "first"u8)
            .AddBytes(Bolt11Tag.Description, "second"u8)
            .AddNumber(Bolt11Tag.Expiry, 60)
            .AddNumber(Bolt11Tag.Expiry, 120);

        var invoice = Decode(writer);

        Assert.Equal(Convert.ToHexStringLower(HashA), invoice.PaymentHashHex);
        Assert.True(invoice.PaymentSecret.Span.SequenceEqual(HashB));
        Assert.Equal("first", invoice.Description);
        Assert.Equal(TimeSpan.FromSeconds(60), invoice.Expiry);
    }

    [Fact]
    public void Unknown_tags_are_skipped()
    {
        var writer = Described()
            .AddField(0, [1, 2, 3])
            .AddField(2, [])
            .AddField(31, new byte[1023]);

        Assert.Equal("x", Decode(writer).Description);
    }

    [Fact]
    public void Payee_field_for_another_key_is_rejected()
    {
        var writer = Described().AddBytes(Bolt11Tag.PayeeNodeId, NodeKeys.DerivePublicKey(TestKeys.SpecPrivateKey));

        AssertRejected(writer, "signature does not match payee");
    }

    [Fact]
    public void Tampering_is_caught_when_the_payee_field_is_present()
    {
        var original = (Described().AddBytes(Bolt11Tag.PayeeNodeId, NodeKeys.DerivePublicKey(Key))).Sign(Hrp, Key);
        var (_, words) = Bech32.Decode(original);

        var tampered = Bech32.Encode("lnbcrt20u", words);

        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(tampered));
        Assert.Equal("signature does not match payee", ex.Message);
    }

    [Fact]
    public void Tampering_without_a_payee_field_changes_the_recovered_payee()
    {
        // Recovery always yields *some* key, so callers must compare PayeeNodeId with the node they expect.
        var original = Described().Sign(Hrp, Key);
        var (_, words) = Bech32.Decode(original);

        var tampered = Bolt11Invoice.Decode(Bech32.Encode("lnbcrt20u", words));

        Assert.NotEqual(NodeKeys.DerivePublicKeyHex(Key), tampered.PayeeNodeIdHex);
    }

    [Theory]
    [InlineData(new[] { 8, 14, 101 })]
    [InlineData(new[] { 9, 15, 17 })]
    [InlineData(new[] { 14, 16, 24, 48 })]
    public void Known_and_unknown_odd_feature_bits_are_accepted(int[] bits)
    {
        Assert.Equal(bits, Decode(Described().AddField(Bolt11Tag.Features, FeatureVector.ToWords(bits))).FeatureBits);
    }

    [Theory]
    [InlineData(new[] { 8, 14, 102 }, "unknown required feature bit 102")]
    [InlineData(new[] { 0 }, "unknown required feature bit 0")]
    [InlineData(new[] { 5114 }, "unknown required feature bit 5114")]
    [InlineData(new[] { 17 }, "basic_mpp requires feature payment_secret")]
    public void Bad_feature_vectors_are_rejected(int[] bits, string reason)
    {
        AssertRejected(Described().AddField(Bolt11Tag.Features, FeatureVector.ToWords(bits)), reason);
    }

    [Fact]
    public void Invalid_utf8_description_is_rejected()
    {
        AssertRejected(Base().AddBytes(Bolt11Tag.Description, [0x61, 0xff, 0xfe]), "not valid UTF-8");
    }

    [Fact]
    public void Empty_description_is_allowed()
    {
        Assert.Equal("", Decode(Base().AddBytes(Bolt11Tag.Description, [])).Description);
    }

    [Fact]
    public void Expiry_beyond_64_bits_is_rejected()
    {
        AssertRejected(Described().AddField(Bolt11Tag.Expiry, Enumerable.Repeat((byte)31, 13).ToArray()), "expiry (x) is too large");
    }

    [Fact]
    public void Expiry_beyond_timespan_range_is_rejected()
    {
        AssertRejected(Described().AddNumber(Bolt11Tag.Expiry, 1_000_000_000_000), "expiry (x) is too large");
    }

    [Fact]
    public void Far_future_expiry_saturates_expires_at()
    {
        var invoice = Decode(new Bolt11Writer(Bolt11Writer.MaxTimestamp)
            .AddBytes(Bolt11Tag.PaymentSecret, HashB)
            .AddBytes(Bolt11Tag.PaymentHash, HashA)
            .AddBytes(Bolt11Tag.Description, "x"u8)
            .AddNumber(Bolt11Tag.Expiry, 900_000_000_000));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Bolt11Writer.MaxTimestamp), invoice.Timestamp);
        Assert.Equal(DateTimeOffset.MaxValue, invoice.ExpiresAt);
        Assert.False(invoice.IsExpired(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Min_final_cltv_is_capped_at_int_max()
    {
        Assert.Equal(int.MaxValue, Decode(Described().AddNumber(Bolt11Tag.MinFinalCltvExpiry, int.MaxValue)).MinFinalCltvExpiry);
        AssertRejected(Described().AddNumber(Bolt11Tag.MinFinalCltvExpiry, (ulong)int.MaxValue + 1), "min_final_cltv_expiry (c) is too large");
    }

    [Fact]
    public void Metadata_round_trips()
    {
        var invoice = Decode(Described().AddBytes(Bolt11Tag.Metadata, [0x01, 0xfa, 0xfa, 0xf0]));

        Assert.Equal("01fafaf0", Convert.ToHexStringLower(invoice.Metadata!.Value.Span));
    }

    [Fact]
    public void Route_hints_with_several_fields_keep_their_order()
    {
        var hop1 = Hop(0x02, 0x0102030405060708, 1000, 2500, 40);
        var hop2 = Hop(0x03, 0x1112131415161718, 1, 2, 3);
        var invoice = Decode(Described()
            .AddBytes(Bolt11Tag.RouteHint, [.. hop1, .. hop2])
            .AddBytes(Bolt11Tag.RouteHint, hop2));

        Assert.Equal(2, invoice.RouteHints.Count);
        Assert.Equal(2, invoice.RouteHints[0].Hops.Count);
        Assert.Equal(0x0102030405060708UL, invoice.RouteHints[0].Hops[0].ShortChannelId);
        Assert.Equal(1000u, invoice.RouteHints[0].Hops[0].FeeBaseMsat);
        Assert.Equal(2500u, invoice.RouteHints[0].Hops[0].FeeProportionalMillionths);
        Assert.Equal((ushort)40, invoice.RouteHints[0].Hops[0].CltvExpiryDelta);
        Assert.Equal(invoice.RouteHints[0].Hops[1], invoice.RouteHints[1].Hops[0]);
        Assert.Equal(invoice.RouteHints[0].Hops[1].GetHashCode(), invoice.RouteHints[1].Hops[0].GetHashCode());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    [InlineData(52)]
    public void Route_hint_of_a_wrong_size_is_rejected(int length)
    {
        AssertRejected(Described().AddBytes(Bolt11Tag.RouteHint, new byte[length]), "malformed route hint (r)");
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(0, 32)]
    [InlineData(1, 32)]
    [InlineData(16, 2)]
    [InlineData(16, 40)]
    [InlineData(17, 20)]
    [InlineData(18, 20)]
    public void Fallbacks_with_known_versions_are_kept(byte version, int programLength)
    {
        var program = Enumerable.Range(1, programLength).Select(i => (byte)i).ToArray();

        var fallback = Assert.Single(Decode(Described().AddField(Bolt11Tag.Fallback, Fallback(version, program))).FallbackAddresses);

        Assert.Equal(new FallbackAddress(version, program), fallback);
        Assert.Equal(version <= 16, fallback.IsWitness);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(31)]
    public void Fallbacks_with_unknown_versions_are_skipped(byte version)
    {
        Assert.Empty(Decode(Described().AddField(Bolt11Tag.Fallback, Fallback(version, new byte[20]))).FallbackAddresses);
    }

    [Theory]
    [InlineData(0, 25)]
    [InlineData(1, 1)]
    [InlineData(1, 41)]
    [InlineData(17, 19)]
    [InlineData(18, 21)]
    public void Fallbacks_with_impossible_programs_are_rejected(byte version, int programLength)
    {
        AssertRejected(Described().AddField(Bolt11Tag.Fallback, Fallback(version, new byte[programLength])), "malformed fallback address (f)");
    }

    [Fact]
    public void Empty_fallback_is_rejected()
    {
        AssertRejected(Described().AddField(Bolt11Tag.Fallback, []), "malformed fallback address (f)");
    }

    [Theory]
    [InlineData("lnbcrt10u", BitcoinNetwork.Regtest)]
    [InlineData("lntbs10u", BitcoinNetwork.Signet)]
    [InlineData("lntb10u", BitcoinNetwork.Testnet)]
    [InlineData("lnbc10u", BitcoinNetwork.Mainnet)]
    [InlineData("lnbc", BitcoinNetwork.Mainnet)]
    [InlineData("lntbs", BitcoinNetwork.Signet)]
    public void Currency_prefixes_map_to_networks(string hrp, BitcoinNetwork network)
    {
        Assert.Equal(network, Bolt11Invoice.Decode(Described().Sign(hrp, Key)).Network);
    }

    [Theory]
    [InlineData("lnsb10u", "unknown currency prefix")]
    [InlineData("lnbcx10u", "unknown currency prefix")]
    [InlineData("ln10u", "unknown currency prefix")]
    [InlineData("bc10u", "must start with 'ln'")]
    [InlineData("lightning", "must start with 'ln'")]
    public void Unknown_prefixes_are_rejected(string hrp, string reason)
    {
        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(Described().Sign(hrp, Key)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_longer_than_the_remaining_data_is_rejected()
    {
        // timestamp, then a 'd' header claiming 1023 words, then the 104 signature words.
        byte[] words = [.. new byte[7], Bolt11Tag.Description, 31, 31, .. new byte[Bolt11Signing.SignatureWords]];

        AssertRejected(Bech32.Encode(Hrp, words), "tagged field 'd' is longer than the remaining data");
    }

    [Fact]
    public void Truncated_field_header_is_rejected()
    {
        byte[] words = [.. new byte[7], Bolt11Tag.Description, 0, .. new byte[Bolt11Signing.SignatureWords]];

        AssertRejected(Bech32.Encode(Hrp, words), "truncated tagged field");
    }

    [Fact]
    public void Signing_data_is_hrp_bytes_then_padded_data_bytes()
    {
        // 7 timestamp words (35 bits) pad to 5 bytes.
        var data = Bolt11Signing.SigningData("lnbc", [0, 0, 0, 0, 0, 0, 1]);

        Assert.Equal([.. Encoding.UTF8.GetBytes("lnbc"), 0, 0, 0, 0, 0x20], data);
    }

    private static Bolt11Writer Base() => new Bolt11Writer(Time)
        .AddBytes(Bolt11Tag.PaymentSecret, HashB)
        .AddBytes(Bolt11Tag.PaymentHash, HashA);

    internal static Bolt11Writer Described() => Base().AddBytes(Bolt11Tag.Description, "x"u8);

    private static Bolt11Invoice Decode(Bolt11Writer writer) => Bolt11Invoice.Decode(writer.Sign(Hrp, Key));

    private static void AssertRejected(Bolt11Writer writer, string reason) => AssertRejected(writer.Sign(Hrp, Key), reason);

    internal static void AssertRejected(string invoice, string reason)
    {
        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(invoice));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Fallback(byte version, byte[] program) => [version, .. Bech32.ToWords(program)];

    private static byte[] Hop(byte prefix, ulong scid, uint feeBase, uint feeRate, ushort cltv)
    {
        var hop = new byte[RouteHintHop.EncodedLength];
        hop[0] = prefix;
        hop.AsSpan(1, 32).Fill(0x42);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(hop.AsSpan(33), scid);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hop.AsSpan(41), feeBase);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hop.AsSpan(45), feeRate);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(hop.AsSpan(49), cltv);
        return hop;
    }
}
