using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Timmy.Http402.Tests;

/// <summary>Every case of mpp-vectors.json, group by group.</summary>
public sealed class PaymentSchemeVectorTests
{
    public static TheoryData<string> Canonicalization => Vectors.Names("canonicalization");
    public static TheoryData<string> Base64 => Vectors.Names("base64url");
    public static TheoryData<string> ChallengeHeaders => Vectors.Names("challengeHeaders");
    public static TheoryData<string> ChallengeLists => Vectors.Names("challengeLists");
    public static TheoryData<string> ChallengeIds => Vectors.Names("challengeIds");
    public static TheoryData<string> Credentials => Vectors.Names("credentials");
    public static TheoryData<string> Receipts => Vectors.Names("receipts");

    [Theory]
    [MemberData(nameof(Canonicalization))]
    public void Jcs_matches(string name)
    {
        var vector = Vectors.Case("canonicalization", name);
        var ok = Jcs.TryCanonicalize(vector.Str("input")!, out var canonical);
        if (vector.IsError())
        {
            Assert.False(ok);
            return;
        }

        Assert.True(ok);
        Assert.Equal(vector.Str("canonical"), canonical);
    }

    [Theory]
    [MemberData(nameof(Base64))]
    public void Base64url_is_strict(string name)
    {
        var vector = Vectors.Case("base64url", name);
        var encoded = vector.Str("encoded")!;
        var ok = Base64Url.TryDecode(encoded, out var bytes);
        if (vector.IsError())
        {
            Assert.False(ok);
            return;
        }

        Assert.True(ok);
        var expected = Convert.FromHexString(vector.Str("decodedHex") ?? "");
        Assert.Equal(expected, bytes);
        // Canonical spellings are what the encoder writes; the others only decode.
        Assert.Equal(vector.GetProperty("canonical").GetBoolean(), Base64Url.Encode(expected) == encoded);
    }

    [Theory]
    [MemberData(nameof(ChallengeHeaders))]
    public void Challenge_headers_format_and_parse(string name)
    {
        var vector = Vectors.Case("challengeHeaders", name);
        var challenge = PaymentChallenge.FromParameters(vector.GetProperty("params").Params())!;
        Assert.Equal(vector.Str("header"), challenge.ToHeader());
        var parsed = Assert.Single(PaymentChallenge.ParseList(vector.Str("header")!));
        Assert.Equal(PaymentChallenge.FromParameters(vector.GetProperty("parsed").Params()), parsed);
    }

    [Theory]
    [MemberData(nameof(ChallengeLists))]
    public void Challenge_lists_split(string name)
    {
        var vector = Vectors.Case("challengeLists", name);
        var parsed = PaymentChallenge.ParseList(vector.Str("header")!);
        if (vector.IsError())
        {
            Assert.Empty(parsed);
            return;
        }

        var expected = vector.GetProperty("challenges").EnumerateArray().Select(c => PaymentChallenge.FromParameters(c.Params())!).ToList();
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [MemberData(nameof(ChallengeIds))]
    public void Challenge_ids_are_the_hmac_of_seven_slots(string name)
    {
        var vector = Vectors.Case("challengeIds", name);
        var challenge = PaymentChallenge.FromParameters(vector.GetProperty("params").Params())!;
        Assert.Equal(challenge.Id, PaymentChallenge.ComputeId(Vectors.HmacSecret, challenge.Realm, challenge.Method, challenge.Intent,
            challenge.Request, challenge.Expires, challenge.Digest, challenge.Opaque));
        Assert.True(challenge.IsIssuedWith(Vectors.HmacSecret));
        Assert.False((challenge with { Request = challenge.Request + "A" }).IsIssuedWith(Vectors.HmacSecret));
        Assert.False(challenge.IsIssuedWith("another secret"u8));
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public void Credentials_parse_and_round_trip(string name)
    {
        var vector = Vectors.Case("credentials", name);
        var credential = PaymentCredential.Parse(vector.Str("header"), out var error);
        if (vector.IsError())
        {
            Assert.Null(credential);
            Assert.NotNull(error);
            return;
        }

        Assert.NotNull(credential);
        var expected = JsonNode.Parse(vector.Str("credentialJson")!)!;
        var header = credential.ToHeader();
        var written = JsonNode.Parse(Base64Url.Decode(header["Payment ".Length..]))!;
        Assert.True(JsonNode.DeepEquals(expected, written), $"{expected.ToJsonString()} != {written.ToJsonString()}");
        // What we write is exactly the vector's bytes when the vector is in our member order.
        if (name == "charge credential")
        {
            Assert.Equal(vector.Str("header"), header);
        }
    }

    [Theory]
    [MemberData(nameof(Receipts))]
    public void Receipts_encode_and_decode(string name)
    {
        var vector = Vectors.Case("receipts", name);
        var json = vector.Str("receiptJson")!;
        Assert.Equal(vector.Str("header"), Base64Url.Encode(Encoding.UTF8.GetBytes(json)));
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.TryGetProperty("balanceSpent", out _))
        {
            var need = JsonSerializer.Deserialize<NeedTopUp>(json)!;
            Assert.Equal(vector.Str("header"), need.Encode());
            return;
        }

        var receipt = PaymentReceipt.Decode(vector.Str("header")!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(receipt.ToJson())));
        if (json.StartsWith("{\"status\"", StringComparison.Ordinal))
        {
            Assert.Equal(vector.Str("header"), receipt.Encode());
        }
    }
}
