using System.Security.Cryptography;
using Timmy.Macaroons;

namespace Timmy.Http402.Tests;

public sealed class L402Tests
{
    private static readonly byte[] RootKey = RandomNumberGenerator.GetBytes(32);

    private static (byte[] Preimage, byte[] Hash) NewPayment()
    {
        var preimage = RandomNumberGenerator.GetBytes(32);
        return (preimage, SHA256.HashData(preimage));
    }

    private static string Mint(byte[] hash, byte[] tokenId, byte[]? key = null, string caveat = "service = timmy") =>
        Macaroon.Create(key ?? RootKey, new L402Identifier(hash, tokenId).ToBytes(), "timmy").AddFirstPartyCaveat(caveat).Serialize();

    private static MacaroonVerifier Verifier => new MacaroonVerifier().SatisfyExact("service = timmy");

    [Fact]
    public void The_identifier_is_version_zero_then_hash_then_token_id()
    {
        var hash = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var token = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
        var bytes = new L402Identifier(hash, token).ToBytes();
        Assert.Equal(66, bytes.Length);
        Assert.Equal([0, 0], bytes[..2]);
        Assert.Equal(hash, bytes[2..34]);
        Assert.Equal(token, bytes[34..]);
        var decoded = L402Identifier.TryDecode(bytes)!;
        Assert.Equal(hash, decoded.PaymentHash);
        Assert.Equal(token, decoded.TokenId);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(67)]
    public void An_identifier_of_the_wrong_length_is_refused(int length) => Assert.Null(L402Identifier.TryDecode(new byte[length]));

    [Fact]
    public void A_version_other_than_zero_is_refused()
    {
        var bytes = new byte[66];
        bytes[1] = 1;
        Assert.Null(L402Identifier.TryDecode(bytes));
    }

    [Theory]
    [InlineData("L402")]
    [InlineData("LSAT")]
    [InlineData("l402")]
    public void A_paid_credential_verifies_under_either_name(string scheme)
    {
        var (preimage, hash) = NewPayment();
        var credential = L402.Parse($"{scheme} {Mint(hash, RandomNumberGenerator.GetBytes(32))}:{Convert.ToHexStringLower(preimage)}", out var error);
        Assert.Null(error);
        Assert.Null(L402.Rejection(credential!, RootKey, Verifier));
    }

    [Fact]
    public void A_wrong_preimage_is_refused()
    {
        var (_, hash) = NewPayment();
        var credential = L402.Parse($"L402 {Mint(hash, new byte[32])}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}", out _)!;
        Assert.Contains("preimage", L402.Rejection(credential, RootKey, Verifier));
    }

    [Fact]
    public void A_macaroon_from_another_key_or_with_an_unmet_caveat_is_refused()
    {
        var (preimage, hash) = NewPayment();
        var hex = Convert.ToHexStringLower(preimage);
        var foreign = L402.Parse($"L402 {Mint(hash, new byte[32], RandomNumberGenerator.GetBytes(32))}:{hex}", out _)!;
        Assert.Contains("signature", L402.Rejection(foreign, RootKey, Verifier));
        var otherCaveat = L402.Parse($"L402 {Mint(hash, new byte[32], caveat: "service = other")}:{hex}", out _)!;
        Assert.NotNull(L402.Rejection(otherCaveat, RootKey, Verifier));
    }

    [Fact]
    public void A_macaroon_whose_identifier_is_not_l402_is_refused()
    {
        var (preimage, _) = NewPayment();
        var plain = Macaroon.Create(RootKey, "not-l402", "timmy").Serialize();
        var credential = L402.Parse($"L402 {plain}:{Convert.ToHexStringLower(preimage)}", out _)!;
        Assert.Contains("identifier", L402.Rejection(credential, RootKey, Verifier));
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("L402 ")]
    [InlineData("L402 abc")]
    [InlineData("L402 abc:1234")]
    [InlineData("L402 !!!:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("L402 :0000000000000000000000000000000000000000000000000000000000000000")]
    public void Malformed_credentials_are_refused_with_a_reason(string header)
    {
        Assert.Null(L402.Parse(header, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void The_challenge_names_the_macaroon_and_the_invoice()
    {
        var header = L402.Challenge("L402", "AgEEbHNhdA", "lnbcrt1");
        Assert.Equal("L402 macaroon=\"AgEEbHNhdA\", invoice=\"lnbcrt1\"", header);
        var parsed = Assert.Single(AuthHeader.Parse(header));
        Assert.Equal("AgEEbHNhdA", parsed.Parameters["macaroon"]);
        Assert.Equal("lnbcrt1", parsed.Parameters["invoice"]);
    }

    [Fact]
    public void A_charge_request_is_canonical_json_naming_the_invoice_and_hash()
    {
        var request = new LightningCharge(1000, "lnbcrt10u1x", "ab", "regtest").ToRequestParameter();
        Assert.Equal("{\"amount\":\"1000\",\"currency\":\"sat\",\"methodDetails\":{\"invoice\":\"lnbcrt10u1x\",\"network\":\"regtest\",\"paymentHash\":\"ab\"}}",
            System.Text.Encoding.UTF8.GetString(Base64Url.Decode(request)));
        Assert.Equal("ab", LightningCharge.PaymentHashOf(request));
    }
}
