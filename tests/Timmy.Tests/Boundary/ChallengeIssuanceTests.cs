using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Tests.Infrastructure;
using Timmy.Tests.OpenAI;

namespace Timmy.Tests.Boundary;

/// <summary>
/// What issuing a 402 costs: a challenge that opens a balance is limited per client like creating a session, and the
/// seed's session route offers, beside its own 402 body, challenges that top up that same session.
/// </summary>
public sealed class ChallengeIssuanceTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    [Fact]
    public async Task Challenges_that_open_balances_are_limited_per_client_with_a_429_and_retry_after()
    {
        var factory = Start(("CreationRateLimit:PermitsPerMinute", "2"));
        var alice = factory.ClientFrom("198.51.100.1");
        await alice.ChallengeAsync();
        await alice.ChallengeAsync();

        var limited = await alice.DrawAsync(null);
        var v1 = await alice.CompleteAsync(null);

        Assert.Contains("at most 2 balances opened", await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.InRange(int.Parse(limited.Headers.RetryAfter!.ToString()), 1, 60);
        Assert.False(limited.Headers.Contains("WWW-Authenticate"));
        var error = await v1.AssertOpenAIErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limit_exceeded", error.Str("code"));
        Assert.True(v1.Headers.Contains("Retry-After"));
        Assert.Equal(2, await factory.WithDbAsync(db => db.Sessions.CountAsync()));
        // Another client is not held back.
        await factory.ClientFrom("198.51.100.2").ChallengeAsync();
    }

    [Fact]
    public async Task A_limited_client_still_spends_and_tops_up_the_balance_it_paid_for()
    {
        var factory = Start(("CreationRateLimit:PermitsPerMinute", "1"), ("Boundary:MinBundleSats", "100"), ("Chat:ImagePriceSats", "50"),
            ("Sessions:MinimumBalanceSats", "1"));
        var alice = factory.ClientFrom("198.51.100.1");
        var (authorization, _, _) = await alice.BuyL402Async();
        await (await alice.DrawAsync(null)).AssertErrorAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal(HttpStatusCode.OK, (await alice.DrawAsync(authorization)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.DrawAsync(authorization)).StatusCode);
        await Buyer.ReadChallengeAsync(await alice.DrawAsync(authorization));
    }

    [Fact]
    public async Task The_seed_routes_402_keeps_its_body_and_offers_challenges_that_top_up_that_session()
    {
        var factory = Start(("Pricing:BtcPriceUsdFallback", "100"));
        var client = factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(100);

        var response = await client.SessionRequestAsync(id, macaroon, "What is a satoshi?");

        var body = await response.ReadJsonAsync();
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("Insufficient balance", body.Str("error"));
        var challenge = await Buyer.ReadChallengeAsync(response);
        Assert.Equal(Guid.Parse(id), await factory.WithDbAsync(db =>
            db.Invoices.Where(i => i.PaymentHash == challenge.PaymentHash).Select(i => i.SessionId!.Value).SingleAsync()));
        await client.PayAsync(challenge.PaymentHash);
        var bought = Timmy.Lightning.Bolt11Invoice.Decode(challenge.Invoice).AmountMsat!.Value / 1000;
        Assert.InRange(bought, 1000, long.MaxValue);
        Assert.Equal(100 + bought, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Sessions.CountAsync()));
    }

    private TimmyFactory Start(params (string Key, string Value)[] settings)
    {
        var factory = TestPeers.FactoryWithPeers(settings);
        _factories.Add(factory);
        return factory;
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
