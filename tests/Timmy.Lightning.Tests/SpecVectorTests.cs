using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Scalar = NBitcoin.Secp256k1.Scalar;
using Timmy.Lightning.Crypto;

namespace Timmy.Lightning.Tests;

/// <summary>Every example invoice in the BOLT #11 spec, decoded against its documented meaning.</summary>
public partial class SpecVectorTests
{
    private const string CoffeeBeans = "Please send $30 for coffee beans";

    private const string LongDescription =
        "One piece of chocolate cake, one icecream cone, one pickle, one slice of swiss cheese, one slice of salami, " +
        "one lollypop, one piece of cherry pie, one sausage, one cupcake, and one slice of watermelon";

    private const string ListHash = "3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1";
    private const string SpecHash = "0001020304050607080900010203040506070809000102030405060708090102";
    private const long SpecTime = 1496314658;

    private static readonly int[] DefaultFeatures = [8, 14];

    // Keyed by the start of each example's title.
    private static readonly Dictionary<string, Expected> Expectations = new()
    {
        ["Please make a donation"] = new(BitcoinNetwork.Mainnet, null, SpecTime, SpecHash, "Please consider supporting this project", null, 3600),
        ["Please send $3 for a cup of coffee"] = new(BitcoinNetwork.Mainnet, 250_000_000, SpecTime, SpecHash, "1 cup coffee", null, 60),
        ["Please send 0.0025 BTC for a cup of nonsense"] = new(BitcoinNetwork.Mainnet, 250_000_000, SpecTime, SpecHash, "ナンセンス 1杯", null, 60),
        ["Now send $24"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["The same, on testnet"] = new(BitcoinNetwork.Testnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["On mainnet, with fallback address 1Rusty"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["On mainnet, with fallback (P2SH)"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["On mainnet, with fallback (P2WPKH)"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["On mainnet, with fallback (P2WSH)"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["On mainnet, with fallback (P2TR)"] = new(BitcoinNetwork.Mainnet, 2_000_000_000, SpecTime, SpecHash, null, ListHash, 3600),
        ["Please send 0.00967878534 BTC"] = new(
            BitcoinNetwork.Mainnet,
            967_878_534,
            1572468703,
            "462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f",
            "Blockstream Store: 88.85 USD for Blockstream Ledger Nano S x 1, \"Back In My Day\" Sticker x 2, \"I Got Lightning Working\" Sticker x 2 and 1 more items",
            null,
            604800,
            MinFinalCltv: 10),
        [CoffeeBeans] = new(BitcoinNetwork.Mainnet, 2_500_000_000, SpecTime, SpecHash, "coffee beans", null, 3600, Features: [8, 14, 99]),
        ["Same, but all upper case."] = new(BitcoinNetwork.Mainnet, 2_500_000_000, SpecTime, SpecHash, "coffee beans", null, 3600, Features: [8, 14, 99]),
        ["Same, but including fields which must be ignored."] = new(BitcoinNetwork.Mainnet, 2_500_000_000, SpecTime, SpecHash, "coffee beans", null, 3600, Features: [8, 14, 99]),
        ["Please send 0.01 BTC with payment metadata"] = new(BitcoinNetwork.Mainnet, 1_000_000_000, SpecTime, SpecHash, "payment metadata inside", null, 3600, Features: [8, 14, 48]),
        // The spec made this vector by negating s but kept recovery id 1, so standard (libsecp256k1)
        // recovery yields a different key than priv_key's; eclair's test suite asserts this same key.
        // The point of the vector is that recovery must accept high-S, not which key comes out.
        ["Public-key recovery with high-S signature"] = new(
            BitcoinNetwork.Mainnet,
            null,
            SpecTime,
            SpecHash,
            "Please consider supporting this project",
            null,
            3600,
            Payee: "02d0139ce7427d6dfffd26a326c18be754ef1e64672b42694ba5b23ef6e6e7803d"),
    };

    // Keyed by the start of each invalid example's title: a word the error message must contain.
    private static readonly Dictionary<string, string> InvalidReasons = new()
    {
        ["Same, but adding invalid unknown feature 100"] = "unknown required feature bit 100",
        ["Bech32 checksum is invalid."] = "invalid checksum",
        ["Malformed bech32 string (no 1)"] = "separator",
        ["Malformed bech32 string (mixed case)"] = "mixed case",
        ["Signature is not recoverable."] = "signature",
        ["String is too short."] = "too short",
        ["Invalid multiplier"] = "invalid amount multiplier",
        ["Invalid sub-millisatoshi precision."] = "sub-millisatoshi",
        ["Missing required `s` field."] = "payment secret (s)",
        ["Non canonical signature (high-S) with 'n' field defined"] = "low-S",
    };

    public static TheoryData<string> ValidTitles => [.. SpecVectors.Valid.Select(v => v.Title)];

    public static TheoryData<string> InvalidTitles => [.. SpecVectors.Invalid.Select(v => v.Title)];

    [Theory]
    [MemberData(nameof(ValidTitles))]
    public void Valid_example_decodes_to_its_documented_meaning(string title)
    {
        var vector = SpecVectors.Get(title);
        var expected = Expectations.Single(e => title.StartsWith(e.Key, StringComparison.Ordinal)).Value;

        var invoice = Bolt11Invoice.Decode(vector.Invoice);

        Assert.Equal(expected.Network, invoice.Network);
        Assert.Equal(expected.AmountMsat, invoice.AmountMsat);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expected.Timestamp), invoice.Timestamp);
        Assert.Equal(expected.PaymentHash, invoice.PaymentHashHex);
        Assert.Equal(expected.Description, invoice.Description);
        Assert.Equal(expected.DescriptionHash, invoice.DescriptionHash is { } h ? Convert.ToHexStringLower(h.Span) : null);
        Assert.Equal(TimeSpan.FromSeconds(expected.ExpirySeconds), invoice.Expiry);
        Assert.Equal(expected.MinFinalCltv, invoice.MinFinalCltvExpiry);
        Assert.Equal(expected.Payee ?? TestKeys.SpecPayee, invoice.PayeeNodeIdHex);
        Assert.Equal(expected.Features ?? DefaultFeatures, invoice.FeatureBits);
        Assert.Equal(vector.Invoice.ToLowerInvariant(), invoice.PaymentRequest);
        Assert.Equal(32, invoice.PaymentSecret.Length);
        Assert.True(invoice.PaymentSecret.Span.SequenceEqual(TestKeys.SpecPaymentSecret));
    }

    [Theory]
    [MemberData(nameof(ValidTitles))]
    public void Valid_example_timestamp_matches_its_breakdown(string title)
    {
        var vector = SpecVectors.Get(title);
        var match = TimestampRegex().Match(vector.Breakdown);
        if (!match.Success)
        {
            return; // "Same, but all upper case." has no breakdown.
        }

        Assert.Equal(long.Parse(match.Groups[1].Value), Bolt11Invoice.Decode(vector.Invoice).Timestamp.ToUnixTimeSeconds());
    }

    [Theory]
    [MemberData(nameof(ValidTitles))]
    public void Signing_preimage_hash_and_signature_match_the_breakdown(string title)
    {
        var vector = SpecVectors.Get(title);
        var preimage = Regex.Match(vector.Breakdown, "`([0-9a-f]+)` hex of data for signing");
        if (!preimage.Success)
        {
            return; // Not every example documents its signature.
        }

        var (hrp, words) = Bech32.Decode(vector.Invoice);
        var signed = words.AsSpan(0, words.Length - Bolt11Signing.SignatureWords);
        var signature = Bech32.FromWords(words.AsSpan(signed.Length));

        Assert.Equal(preimage.Groups[1].Value, Convert.ToHexStringLower(Bolt11Signing.SigningData(hrp, signed)));
        var hash = Regex.Match(vector.Breakdown, "`([0-9a-f]{64})` hex of SHA256 of the preimage").Groups[1].Value;
        Assert.Equal(hash, Convert.ToHexStringLower(Bolt11Signing.SigningHash(hrp, signed)));
        var rs = Regex.Match(vector.Breakdown, "`([0-9a-f]{128})` hex of signature data").Groups[1].Value;
        Assert.Equal(rs, Convert.ToHexStringLower(signature.AsSpan(0, 64)));
        var recoveryId = Regex.Match(vector.Breakdown, "`([0-3])` \\(int\\) recovery flag").Groups[1].Value;
        Assert.Equal(int.Parse(recoveryId), signature[64]);
    }

    [Theory]
    [MemberData(nameof(InvalidTitles))]
    public void Invalid_example_is_rejected_with_a_specific_message(string title)
    {
        var vector = SpecVectors.Get(title);
        var reason = InvalidReasons.Single(e => title.StartsWith(e.Key, StringComparison.Ordinal)).Value;

        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(vector.Invoice));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);

        Assert.False(Bolt11Invoice.TryDecode(vector.Invoice, out var invoice, out var error));
        Assert.Null(invoice);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Every_example_has_an_expectation()
    {
        Assert.All(SpecVectors.Valid, v => Assert.Single(Expectations.Keys, k => v.Title.StartsWith(k, StringComparison.Ordinal)));
        Assert.All(SpecVectors.Invalid, v => Assert.Single(InvalidReasons.Keys, k => v.Title.StartsWith(k, StringComparison.Ordinal)));
    }

    [Fact]
    public void Description_hash_commits_to_the_long_description()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get("Now send $24").Invoice);

        Assert.Equal(ListHash, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(LongDescription))));
        Assert.True(invoice.MatchesDescription(LongDescription));
        Assert.False(invoice.MatchesDescription(LongDescription + "!"));
    }

    [Theory]
    [InlineData("The same, on testnet", "mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP", FallbackAddress.P2PkhVersion)]
    [InlineData("On mainnet, with fallback address 1Rusty", "1RustyRX2oai4EYYDpQGWvEL62BBGqN9T", FallbackAddress.P2PkhVersion)]
    [InlineData("On mainnet, with fallback (P2SH)", "3EktnHQD7RiAE6uzMj2ZifT9YgRrkSgzQX", FallbackAddress.P2ShVersion)]
    public void Base58_fallbacks_carry_the_address_hash(string title, string address, byte version)
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get(title).Invoice);
        var (_, hash) = AddressHelpers.DecodeBase58Check(address);

        var fallback = Assert.Single(invoice.FallbackAddresses);
        Assert.Equal(version, fallback.Version);
        Assert.False(fallback.IsWitness);
        Assert.Equal(Convert.ToHexStringLower(hash), fallback.ProgramHex);
    }

    [Theory]
    [InlineData("On mainnet, with fallback (P2WPKH)", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 20)]
    [InlineData("On mainnet, with fallback (P2WSH)", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", 32)]
    [InlineData("On mainnet, with fallback (P2TR)", "bc1pptdvg0d2nj99568qn6ssdy4cygnwuxgw2ukmnwgwz7jpqjz2kszse2s3lm", 32)]
    public void Segwit_fallbacks_carry_the_witness_program(string title, string address, int programLength)
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get(title).Invoice);
        var (version, program) = AddressHelpers.DecodeSegwitUnchecked(address);

        var fallback = Assert.Single(invoice.FallbackAddresses);
        Assert.True(fallback.IsWitness);
        Assert.Equal(version, fallback.Version);
        Assert.Equal(programLength, fallback.Program.Length);
        Assert.Equal(Convert.ToHexStringLower(program), fallback.ProgramHex);
    }

    [Fact]
    public void Bip173_segwit_example_program_is_the_known_hash160()
    {
        var (version, program) = AddressHelpers.DecodeSegwitUnchecked("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
        Assert.Equal(0, version);
        Assert.Equal("751e76e8199196d454941c45d1b3a323f1433bd6", Convert.ToHexStringLower(program));
    }

    [Fact]
    public void Route_hints_decode_hop_by_hop()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get("On mainnet, with fallback address 1Rusty").Invoice);

        var hint = Assert.Single(invoice.RouteHints);
        Assert.Collection(
            hint.Hops,
            hop =>
            {
                Assert.Equal("029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", hop.NodeIdHex);
                Assert.Equal("66051x263430x1800", hop.ShortChannelIdText);
                Assert.Equal(1u, hop.FeeBaseMsat);
                Assert.Equal(20u, hop.FeeProportionalMillionths);
                Assert.Equal((ushort)3, hop.CltvExpiryDelta);
            },
            hop =>
            {
                Assert.Equal("039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", hop.NodeIdHex);
                Assert.Equal("197637x395016x2314", hop.ShortChannelIdText);
                Assert.Equal(2u, hop.FeeBaseMsat);
                Assert.Equal(30u, hop.FeeProportionalMillionths);
                Assert.Equal((ushort)4, hop.CltvExpiryDelta);
            });
    }

    [Fact]
    public void Pico_example_has_one_route_hint_and_cltv_10()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get("Please send 0.00967878534 BTC").Invoice);

        var hop = Assert.Single(Assert.Single(invoice.RouteHints).Hops);
        Assert.Equal("03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7", hop.NodeIdHex);
        Assert.Equal("589390x3312x1", hop.ShortChannelIdText);
        Assert.Equal(1000u, hop.FeeBaseMsat);
        Assert.Equal(2500u, hop.FeeProportionalMillionths);
        Assert.Equal((ushort)40, hop.CltvExpiryDelta);
        Assert.Equal(10, invoice.MinFinalCltvExpiry);
        Assert.Equal(invoice.Timestamp.AddDays(7), invoice.ExpiresAt);
    }

    [Fact]
    public void Metadata_example_exposes_the_metadata_bytes()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get("Please send 0.01 BTC with payment metadata").Invoice);

        Assert.NotNull(invoice.Metadata);
        Assert.Equal("01fafaf0", Convert.ToHexStringLower(invoice.Metadata.Value.Span));
    }

    [Fact]
    public void Upper_case_example_equals_the_lower_case_one()
    {
        var lower = Bolt11Invoice.Decode(SpecVectors.Get(CoffeeBeans).Invoice);
        var upper = Bolt11Invoice.Decode(SpecVectors.Get("Same, but all upper case.").Invoice);

        Assert.Equal(lower, upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
        Assert.Equal(lower.PaymentRequest, upper.ToString());
    }

    [Fact]
    public void Ignored_fields_do_not_override_the_valid_ones()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get("Same, but including fields which must be ignored.").Invoice);

        Assert.Empty(invoice.FallbackAddresses); // version 19 fallback is skipped
        Assert.Equal(SpecHash, invoice.PaymentHashHex);
        Assert.Null(invoice.DescriptionHash);
    }

    [Fact]
    public void Features_are_exposed_as_big_endian_bytes()
    {
        var invoice = Bolt11Invoice.Decode(SpecVectors.Get(CoffeeBeans).Invoice);

        var features = invoice.Features.Span;
        Assert.Equal(13, features.Length); // bit 99 lives in byte 12 from the end
        Assert.Equal(0x08, features[0]);   // 99 = 12 * 8 + 3
        Assert.Equal(0x41, features[^2]);  // bits 8 and 14
        Assert.Equal(0x00, features[^1]);
    }

    [Fact]
    public void High_s_example_is_the_first_example_with_only_s_negated()
    {
        // Negating s without flipping the recovery id's parity bit changes the recovered key.
        // Normalizing s back (same r, same recovery id 1) gives the first example's signature and
        // priv_key's node id: the odd key above comes from the vector's recovery id, not our math.
        var (hrp, words) = Bech32.Decode(SpecVectors.Get("Public-key recovery with high-S signature").Invoice);
        var signed = words.AsSpan(0, words.Length - Bolt11Signing.SignatureWords);
        var signature = Bech32.FromWords(words.AsSpan(signed.Length));
        Assert.False(Secp256k1.IsLowS(signature.AsSpan(32, 32)));

        new Scalar(signature.AsSpan(32, 32)).Negate().WriteToSpan(signature.AsSpan(32, 32));
        var recovered = Secp256k1.RecoverPublicKey(Bolt11Signing.SigningHash(hrp, signed), signature.AsSpan(0, 64), signature[64]);

        Assert.NotNull(recovered);
        Assert.Equal(TestKeys.SpecPayee, Convert.ToHexStringLower(recovered));
    }

    [GeneratedRegex(@"timestamp \((\d+)\)")]
    private static partial Regex TimestampRegex();

    private sealed record Expected(
        BitcoinNetwork Network,
        long? AmountMsat,
        long Timestamp,
        string PaymentHash,
        string? Description,
        string? DescriptionHash,
        long ExpirySeconds,
        int MinFinalCltv = 18,
        int[]? Features = null,
        string? Payee = null);
}
