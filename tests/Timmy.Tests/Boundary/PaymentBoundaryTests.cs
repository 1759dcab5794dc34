using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Http402;
using Timmy.Lightning;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Boundary;

/// <summary>The payment boundary through the real HTTP pipeline: challenges, the three credential forms, receipts, balances.</summary>
public sealed class PaymentBoundaryTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task An_unpaid_call_gets_a_402_offering_payment_l402_and_lsat_for_one_bolt11_invoice_and_reaches_no_model()
    {
        var response = await _factory.CreateClient().DrawAsync(null);

        var challenge = await Buyer.ReadChallengeAsync(response);
        Assert.Equal(["Payment", "Payment", "L402", "LSAT"], challenge.All.Select(c => c.Scheme));
        Assert.Equal(challenge.Macaroon, challenge.All[3].Parameters["macaroon"]);
        Assert.Equal(challenge.Invoice, challenge.All[3].Parameters["invoice"]);
        var invoice = Bolt11Invoice.Decode(challenge.Invoice);
        Assert.Equal(BitcoinNetwork.Regtest, invoice.Network);
        Assert.Equal(1_000_000, invoice.AmountMsat);
        Assert.Equal(50, challenge.Body.GetProperty("priceSats").GetInt64());
        Assert.Equal(1000, challenge.Body.GetProperty("amountSats").GetInt64());
        Assert.Equal(("timmy", "lightning", "charge"), (challenge.Payment.Realm, challenge.Payment.Method, challenge.Payment.Intent));
        Assert.Equal(invoice.PaymentHashHex, LightningCharge.PaymentHashOf(challenge.Payment.Request));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionRequests.CountAsync()));
        // The macaroon is standard base64 of a V2 macaroon whose identifier is bLIP-0026's, naming this invoice.
        var macaroon = Timmy.Macaroons.Macaroon.FromBinary(Convert.FromBase64String(challenge.Macaroon));
        Assert.Equal(invoice.PaymentHashHex, Convert.ToHexStringLower(L402Identifier.TryDecode(macaroon.Identifier.Span)!.PaymentHash));
    }

    [Theory]
    [InlineData("L402")]
    [InlineData("LSAT")]
    public async Task A_paid_l402_credential_is_a_balance_spent_by_replaying_it_with_a_receipt_each_time(string scheme)
    {
        var client = _factory.CreateClient();
        var (authorization, challenge, _) = await client.BuyL402Async(scheme);

        for (var i = 0; i < 3; i++)
        {
            var response = await client.DrawAsync(authorization);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var receipt = Buyer.Receipt(response);
            Assert.Equal(("success", "lightning", challenge.PaymentHash), (receipt.Status, receipt.Method, receipt.Reference));
        }

        var session = await _factory.WithDbAsync(db => db.Sessions.SingleAsync());
        Assert.Equal(1000 - 3 * 50, session.BalanceSats);
        Assert.Equal(session.BalanceSats, await _factory.WithDbAsync(db => db.SessionLedger.SumAsync(e => e.AmountSats)));
    }

    [Fact]
    public async Task An_l402_token_works_as_a_bearer_api_key()
    {
        var client = _factory.CreateClient();
        var (authorization, _, _) = await client.BuyL402Async();

        var response = await client.DrawAsync("Bearer " + authorization["L402 ".Length..]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_payment_credential_spends_its_balance_and_its_receipt_names_the_challenge()
    {
        var client = _factory.CreateClient();
        var (authorization, challenge) = await client.BuyPaymentAsync();

        var first = await client.DrawAsync(authorization);
        var again = await client.DrawAsync(authorization);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var receipt = Buyer.Receipt(again);
        Assert.Equal((challenge.PaymentHash, challenge.Payment.Id), (receipt.Reference, receipt.ChallengeId));
        Assert.Equal(900, (await _factory.WithDbAsync(db => db.Sessions.SingleAsync())).BalanceSats);
    }

    [Fact]
    public async Task Bad_credentials_are_401_json_never_5xx()
    {
        var client = _factory.CreateClient();
        var (l402, challenge, _) = await client.BuyL402Async();
        var (payment, _) = await client.BuyPaymentAsync();
        var wrongPreimage = $"L402 {challenge.Macaroon}:{new string('0', 64)}";
        var forged = new PaymentCredential(challenge.Payment with { Id = "forged" }, new() { ["preimage"] = new string('0', 64) }).ToHeader();
        var bad = new[] { wrongPreimage, forged, "L402 nonsense", "Payment !!!", "Bearer garbage", l402 + "0", payment[..^4] };

        foreach (var authorization in bad)
        {
            var response = await client.DrawAsync(authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(string.IsNullOrEmpty((await response.ReadJsonAsync()).Str("error")), authorization);
        }
    }

    [Fact]
    public async Task An_unpaid_invoice_with_a_guessed_preimage_opens_nothing()
    {
        var client = _factory.CreateClient();
        var challenge = await client.ChallengeAsync();

        var response = await client.DrawAsync($"L402 {challenge.Macaroon}:{Convert.ToHexStringLower(new byte[32])}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_session_macaroon_with_its_deposit_preimage_is_an_l402_credential_and_the_bearer_alone_spends_too()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync($"L402 {macaroon}:{SessionClient.DepositPreimage(id)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync($"Bearer {macaroon}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.DrawAsync($"L402 {macaroon}:{new string('1', 64)}")).StatusCode);
        Assert.Equal(900, (await _factory.WithDbAsync(db => db.Sessions.SingleAsync())).BalanceSats);
    }

    public void Dispose() => _factory.Dispose();
}
