using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Http402;
using Timmy.Lightning;
using Timmy.Tests.Infrastructure;
using Timmy.Tests.OpenAI;

namespace Timmy.Tests.Boundary;

/// <summary>The Payment scheme's Lightning session intent through the real pipeline: open, bearer, topUp, close.</summary>
public sealed class PaymentSessionTests : IDisposable
{
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    /// <summary>Bundles of <paramref name="bundle"/> sats, images at 50 sats, and a balance runs down to 1 sat.</summary>
    private void Start(long bundle = 100)
    {
        _factory = new TimmyFactory
        {
            Settings = { ["Boundary:MinBundleSats"] = bundle.ToString(), ["Chat:ImagePriceSats"] = "50", ["Sessions:MinimumBalanceSats"] = "1" },
        };
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task An_unpaid_call_offers_a_session_challenge_for_the_same_invoice_as_the_other_doors()
    {
        Start();
        var challenge = await _client.ChallengeAsync();

        var request = LightningSession.FromRequestParameter(challenge.Session.Request)!;
        Assert.Equal(("timmy", "lightning", "session"), (challenge.Session.Realm, challenge.Session.Method, challenge.Session.Intent));
        Assert.Equal(new LightningSession(50, challenge.PaymentHash, challenge.Invoice, 100, 24 * 3600, "request"), request);
        Assert.Equal(challenge.Payment.Expires, challenge.Session.Expires);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Sessions.CountAsync()));
    }

    [Fact]
    public async Task Open_spends_the_deposit_and_keeps_the_return_invoice_then_bearer_rides_the_session()
    {
        var (open, challenge, preimage, returnInvoice) = await OpenAsync();

        var opened = await _client.DrawAsync(open);
        var bearer = await _client.DrawAsync(Credential(challenge.Session, new(SessionPayload.Bearer, preimage, challenge.PaymentHash)));

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal((challenge.PaymentHash, challenge.Session.Id), (Buyer.Receipt(bearer).Reference, Buyer.Receipt(bearer).ChallengeId));
        var session = await _factory.WithDbAsync(db => db.Sessions.SingleAsync());
        Assert.Equal((0L, returnInvoice), (session.BalanceSats, session.ReturnInvoice));
    }

    [Fact]
    public async Task Bad_session_credentials_are_401_json_naming_the_problem()
    {
        Start();
        var challenge = await _client.ChallengeAsync();
        var preimage = await _client.PayAsync(challenge.PaymentHash);
        var cases = new (SessionPayload Payload, string Problem)[]
        {
            (new(SessionPayload.Open, preimage, ReturnInvoice: RefundInvoices.Mint(10)), "must carry no amount"),
            (new(SessionPayload.Open, preimage, ReturnInvoice: RefundInvoices.MintMsat(null, BitcoinNetwork.Mainnet)), "Invoice is for"),
            (new(SessionPayload.Open, preimage, ReturnInvoice: "lnbcrt1garbage"), "Invalid returnInvoice: Invalid BOLT11"),
            (new(SessionPayload.Open, preimage), "returnInvoice"),
            (new(SessionPayload.Open, new string('0', 64), ReturnInvoice: RefundInvoices.MintMsat(null)), "preimage does not match"),
            (new(SessionPayload.Bearer, new string('0', 64), challenge.PaymentHash), "not the preimage of this session's deposit"),
            (new(SessionPayload.Bearer, preimage, new string('a', 64)), "names no session"),
            (new("withdraw", preimage, challenge.PaymentHash), "action is open, bearer, topUp or close"),
        };

        foreach (var (payload, problem) in cases)
        {
            Assert.Contains(problem, await (await _client.DrawAsync(Credential(challenge.Session, payload))).AssertErrorAsync(HttpStatusCode.Unauthorized));
        }

        Assert.Null((await _factory.WithDbAsync(db => db.Sessions.SingleAsync())).ReturnInvoice);
    }

    [Fact]
    public async Task TopUp_with_the_preimage_of_a_402s_invoice_credits_the_same_session()
    {
        var (open, challenge, preimage, _) = await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await _client.DrawAsync(open)).StatusCode);
        var bearer = Credential(challenge.Session, new(SessionPayload.Bearer, preimage, challenge.PaymentHash));
        Assert.Equal(HttpStatusCode.OK, (await _client.DrawAsync(bearer)).StatusCode);

        var refill = await Buyer.ReadChallengeAsync(await _client.DrawAsync(bearer));
        var topUpPreimage = await _client.PayAsync(refill.PaymentHash);
        var strangers = Credential(refill.Session, new(SessionPayload.TopUp, SessionId: (await _client.ChallengeAsync()).PaymentHash, TopUpPreimage: topUpPreimage));
        var topUp = Credential(refill.Session, new(SessionPayload.TopUp, SessionId: challenge.PaymentHash, TopUpPreimage: topUpPreimage));

        Assert.Contains("does not top up this session", await (await _client.DrawAsync(strangers)).AssertErrorAsync(HttpStatusCode.Unauthorized));
        var response = await _client.DrawAsync(topUp);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(challenge.PaymentHash, Buyer.Receipt(response).Reference);
        var sessionId = await SessionOfAsync(challenge.PaymentHash);
        Assert.Equal(100 + 100 - 3 * 50, (await _factory.SessionAsync(sessionId)).BalanceSats);
        Assert.Single(await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.Kind == LedgerEntryKind.Topup).ToListAsync()));
    }

    [Fact]
    public async Task Close_refunds_what_is_left_to_the_return_invoice_with_a_receipt_then_skips()
    {
        var (open, challenge, preimage, returnInvoice) = await OpenAsync(bundle: 1000);
        Assert.Equal(HttpStatusCode.OK, (await _client.DrawAsync(open)).StatusCode);
        var close = Credential(challenge.Session, new(SessionPayload.Close, preimage, challenge.PaymentHash));

        var closed = await _client.DrawAsync(close);
        var again = await _client.DrawAsync(close);

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var body = await closed.ReadJsonAsync();
        Assert.Equal((950L, "succeeded"), (body.GetProperty("refundSats").GetInt64(), body.Str("refundStatus")));
        var receipt = Buyer.Receipt(closed);
        Assert.Equal(("success", challenge.PaymentHash, 950L, "succeeded"), (receipt.Status, receipt.Reference, receipt.RefundSats, receipt.RefundStatus));
        var paid = await _factory.WithDbAsync(db => db.StubPayments.SingleAsync());
        Assert.Equal((returnInvoice, 950L), (paid.PaymentRequest, paid.AmountSats));
        var sessionId = await SessionOfAsync(challenge.PaymentHash);
        Assert.Equal(0, (await _factory.SessionAsync(sessionId)).BalanceSats);
        Assert.Equal(0, await _factory.LedgerSumAsync(sessionId));
        Assert.Equal((null, "skipped"), (Buyer.Receipt(again).RefundSats, Buyer.Receipt(again).RefundStatus));
    }

    [Fact]
    public async Task Closing_a_balance_opened_without_a_return_invoice_is_a_409()
    {
        Start();
        var (_, challenge) = await _client.BuyPaymentAsync();
        var preimage = await _factory.WithDbAsync(db => db.StubInvoices.Where(i => i.PaymentHash == challenge.PaymentHash).Select(i => i.Preimage).SingleAsync());

        var response = await _client.DrawAsync(Credential(challenge.Session, new(SessionPayload.Close, preimage, challenge.PaymentHash)));

        Assert.Contains("no return invoice", await response.AssertErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_payment_session_credential_withdraws_where_the_bearer_macaroon_alone_cannot()
    {
        var (open, challenge, preimage, _) = await OpenAsync(bundle: 1000);
        Assert.Equal(HttpStatusCode.OK, (await _client.DrawAsync(open)).StatusCode);
        var sessionId = await SessionOfAsync(challenge.PaymentHash);
        var macaroon = (await _client.GetSessionAsync(sessionId.ToString())).Str("macaroon");
        var path = $"/api/sessions/{sessionId}/withdraw";

        await (await _client.WithdrawWithBearerAsync(sessionId.ToString(), macaroon, RefundInvoices.Mint(950))).AssertErrorAsync(HttpStatusCode.Forbidden);
        var bearer = Credential(challenge.Session, new(SessionPayload.Bearer, preimage, challenge.PaymentHash));
        var response = await _client.SendAsync(HttpMethod.Post, path, bearer, new { invoice = RefundInvoices.Mint(950) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await _factory.SessionAsync(sessionId)).BalanceSats);
    }

    /// <summary>A 402 paid, and the open credential for it: the deposit's preimage and a fresh amountless return invoice.</summary>
    private async Task<(string Open, Challenge402 Challenge, string Preimage, string ReturnInvoice)> OpenAsync(long bundle = 100)
    {
        Start(bundle);
        var challenge = await _client.ChallengeAsync();
        var preimage = await _client.PayAsync(challenge.PaymentHash);
        var returnInvoice = RefundInvoices.MintMsat(null);
        return (Credential(challenge.Session, new(SessionPayload.Open, preimage, ReturnInvoice: returnInvoice)), challenge, preimage, returnInvoice);
    }

    private Task<Guid> SessionOfAsync(string paymentHash) =>
        _factory.WithDbAsync(db => db.Invoices.Where(i => i.PaymentHash == paymentHash).Select(i => i.SessionId!.Value).SingleAsync());

    private static string Credential(PaymentChallenge challenge, SessionPayload payload) => new PaymentCredential(challenge, payload.ToJson()).ToHeader();

    public void Dispose() => _factory?.Dispose();
}
