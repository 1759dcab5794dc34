using System.Text;
using System.Text.RegularExpressions;

namespace Timmy.Macaroons.Tests;

/// <summary>
/// go-macaroon vectors: the libmacaroons README's second macaroon (one first-party and one
/// third-party caveat) in V2 binary, V1 binary and four JSON spellings.
/// </summary>
public sealed partial class GoMacaroonVectorTests
{
    private static readonly VectorSection RoundTrip = Vectors.GoSections[0];
    private static readonly VectorSection LibmacaroonsBinary = Vectors.GoSections[1];

    public static TheoryData<string> JsonVectorNames => new(JsonVectors().Keys);

    /// <summary>assertLibMacaroonsMacaroon from the Go test, with its literals read from the vector file.</summary>
    private static MacaroonContent Expected()
    {
        var text = RoundTrip.Text;
        var caveatBlock = Regex.Match(text, @"\[\]macaroon\.Caveat\{\{(.*?)\}\}\)", RegexOptions.Singleline).Groups[1].Value;
        var caveats = caveatBlock.Split("}, {").Select(c =>
        {
            var id = Encoding.UTF8.GetBytes(Regex.Match(c, "Id:\\s*\\[\\]byte\\(\"([^\"]*)\"\\)").Groups[1].Value);
            var vid = Regex.Match(c, "VerificationId:\\s*decodeB64\\(\"([^\"]*)\"\\)");
            var loc = Regex.Match(c, "Location:\\s*\"([^\"]*)\"");
            return new CaveatContent(id, vid.Success ? TestBase64.DecodeAny(vid.Groups[1].Value) : null, loc.Success ? loc.Groups[1].Value : null);
        }).ToList();

        return new MacaroonContent(
            Regex.Match(text, "m\\.Location\\(\\), qt\\.Equals, \"([^\"]*)\"").Groups[1].Value,
            Encoding.UTF8.GetBytes(Regex.Match(text, "string\\(m\\.Id\\(\\)\\), qt\\.Equals, \"([^\"]*)\"").Groups[1].Value),
            caveats,
            Convert.FromHexString(Regex.Match(text, "qt\\.Equals,\\s*\"([0-9a-f]{64})\"").Groups[1].Value));
    }

    /// <summary>The Go V2 binary literal ("V2_base64_encoded_binary" entry).</summary>
    internal static byte[] V2Binary() =>
        GoLiteral.ConcatenatedBytes(Regex.Match(RoundTrip.Text, @"\[\]byte\((.*?)\)\)\s*\+", RegexOptions.Singleline).Groups[1].Value);

    private static Dictionary<string, string> JsonVectors() =>
        Regex.Matches(RoundTrip.Text, "about:\\s*\"([^\"]+)\",\\s*data:\\s*`(\\{[^`]*)`")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static string CommentValue(string name) =>
        Regex.Match(RoundTrip.Text, $"// {name} = '([^']*)'").Groups[1].Value;

    [Fact]
    public void Vector_sections_are_present()
    {
        var expected = Expected();
        Assert.Equal(2, expected.Caveats.Count);
        Assert.Equal(4, JsonVectors().Count);
        Assert.Equal(0x02, V2Binary()[0]);
    }

    [Fact]
    public void V2_binary_parses_to_the_libmacaroons_macaroon_and_reserializes_exactly()
    {
        var binary = V2Binary();
        var m = Macaroon.FromBinary(binary);

        Expected().AssertMatches(m);
        Assert.True(m.HasThirdPartyCaveats);
        Assert.Equal(binary, m.ToBinary());
        Assert.Equal(m, Macaroon.Deserialize(Convert.ToBase64String(binary))); // standard, padded
        Assert.Equal(m, Macaroon.Deserialize(m.Serialize()));                  // URL-safe, unpadded
    }

    [Theory]
    [MemberData(nameof(JsonVectorNames))]
    public void Json_spellings_describe_the_same_macaroon(string about)
    {
        // JSON is decoded by test code; this checks the binary parse against each spelling.
        var fromJson = MacaroonContent.FromJson(JsonVectors()[about]);
        fromJson.AssertMatches(Macaroon.FromBinary(V2Binary()));
    }

    [Fact]
    public void Libmacaroons_V1_binary_matches_and_reserializes_exactly()
    {
        var text = LibmacaroonsBinary.Text;
        var raw = Regex.Match(text, "DecodeString\\(\\s*\"([^\"]+)\"\\)").Groups[1].Value;
        var json = Regex.Match(text, @"\[\]byte\(`([^`]*)`\)").Groups[1].Value;

        var fromText = Macaroon.Deserialize(raw);
        var fromBinary = Macaroon.FromBinary(TestBase64.DecodeAny(raw));

        Assert.Equal(fromText, fromBinary);
        MacaroonContent.FromJson(json).AssertMatches(fromText);
        Expected().AssertMatches(fromText);
        Assert.Equal(Macaroon.FromBinary(V2Binary()), fromText);
        Assert.Equal(raw, fromText.Serialize(MacaroonVersion.V1));
        Assert.Equal(TestBase64.DecodeAny(raw), fromText.ToBinary(MacaroonVersion.V1));
    }

    [Fact]
    public void Third_party_signature_chain_matches_but_is_not_authorized()
    {
        // The Go comment records the libmacaroons calls that produced the vector.
        var secret = Encoding.UTF8.GetBytes(CommentValue("secret"));
        Assert.NotEmpty(secret);
        var m = Macaroon.FromBinary(V2Binary());
        var verifier = new MacaroonVerifier().SatisfyExact("account = 3735928559").SatisfyGeneral(_ => true);

        // Getting past the signature check proves the hash2 chain for the third-party caveat.
        var result = verifier.Verify(m, secret);
        Assert.False(result.IsAuthorized);
        Assert.Equal(MacaroonVerificationFailure.ThirdPartyCaveatNotSupported, result.Failure);
        Assert.Equal(1, result.CaveatIndex);

        Assert.Equal(MacaroonVerificationFailure.InvalidSignature, verifier.Verify(m, "wrong key"u8).Failure);
    }

    [Fact]
    public void First_party_prefix_of_the_go_vector_can_be_minted()
    {
        var m = Macaroon.Create(Encoding.UTF8.GetBytes(CommentValue("secret")), CommentValue("public"), CommentValue("location"))
            .AddFirstPartyCaveat("account = 3735928559");
        var vector = Macaroon.FromBinary(V2Binary());

        Assert.Equal(vector.Location, m.Location);
        Assert.Equal(vector.Identifier.ToArray(), m.Identifier.ToArray());
        Assert.Equal(vector.Caveats[0], m.Caveats[0]);
    }
}
