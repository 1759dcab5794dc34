using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Boundary;

/// <summary>A paid credential's balance: exhausted, topped up through a fresh 402, raced, and owning its conversations.</summary>
public sealed class BalanceTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    private HttpClient Start(long bundle = 1000, long image = 50, long minimum = 50)
    {
        var factory = new TimmyFactory
        {
            Settings =
            {
                ["Boundary:MinBundleSats"] = bundle.ToString(),
                ["Chat:ImagePriceSats"] = image.ToString(),
                ["Sessions:MinimumBalanceSats"] = minimum.ToString(),
            },
        };
        _factories.Add(factory);
        return factory.CreateClient();
    }

    [Fact]
    public async Task An_exhausted_balance_gets_a_402_whose_payment_tops_up_the_same_balance()
    {
        var client = Start(bundle: 100, image: 50, minimum: 1);
        var (authorization, first, _) = await client.BuyL402Async();
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync(authorization)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync(authorization)).StatusCode);

        var exhausted = await client.DrawAsync(authorization);

        var topUp = await Buyer.ReadChallengeAsync(exhausted);
        Assert.NotEqual(first.PaymentHash, topUp.PaymentHash);
        await client.PayAsync(topUp.PaymentHash);
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync(authorization)).StatusCode);
        var session = await _factories[0].WithDbAsync(db => db.Sessions.SingleAsync());
        Assert.Equal(100 + 100 - 3 * 50, session.BalanceSats);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_on_a_small_balance_never_overdraw_it()
    {
        var client = Start(bundle: 100, image: 10, minimum: 1);
        var (authorization, challenge, _) = await client.BuyL402Async();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.DrawAsync(authorization)));

        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        Assert.InRange(served, 1, 10);
        var sessionId = await _factories[0].WithDbAsync(db => db.Invoices.Where(i => i.PaymentHash == challenge.PaymentHash).Select(i => i.SessionId).SingleAsync());
        var session = await _factories[0].WithDbAsync(db => db.Sessions.SingleAsync(s => s.Id == sessionId));
        Assert.Equal(100 - served * 10, session.BalanceSats);
        Assert.Equal(0, session.ReservedSats);
        var ledger = await _factories[0].WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == session.Id).SumAsync(e => e.AmountSats));
        Assert.Equal(session.BalanceSats, ledger);
        // Every refusal offers the one top-up of this balance, however the refusals raced for the top-up slot.
        var refusals = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.PaymentRequired).Select(Buyer.ReadChallengeAsync));
        Assert.Single(refusals.Select(c => c.PaymentHash).Distinct());
        Assert.Equal(sessionId, await _factories[0].WithDbAsync(db => db.Invoices.Where(i => i.PaymentHash == refusals[0].PaymentHash).Select(i => i.SessionId).SingleAsync()));
    }

    [Fact]
    public async Task A_conversation_belongs_to_the_balance_that_created_it()
    {
        var client = Start();
        var (alice, _, _) = await client.BuyL402Async();
        var (bob, _) = await client.BuyPaymentAsync();
        var created = await client.SendAsync(HttpMethod.Post, ChatApiClient.Conversations, alice, new { title = "Alice's" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();

        Assert.Equal(1, (await (await client.SendAsync(HttpMethod.Get, ChatApiClient.Conversations, alice)).ReadJsonAsync()).GetArrayLength());
        Assert.Equal(0, (await (await client.SendAsync(HttpMethod.Get, ChatApiClient.Conversations, bob)).ReadJsonAsync()).GetArrayLength());
        foreach (var path in new[] { $"{ChatApiClient.Conversations}/{id}", $"{ChatApiClient.Conversations}/{id}/messages" })
        {
            await (await client.SendAsync(HttpMethod.Get, path, bob)).AssertErrorAsync(HttpStatusCode.NotFound);
        }

        await (await client.SendAsync(HttpMethod.Post, $"{ChatApiClient.Conversations}/{id}/messages", bob, new { content = "hi" }))
            .AssertErrorAsync(HttpStatusCode.NotFound);
        await (await client.SendAsync(HttpMethod.Delete, $"{ChatApiClient.Conversations}/{id}", bob)).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"{ChatApiClient.Conversations}/{id}", alice)).StatusCode);
    }

    [Fact]
    public async Task A_chat_message_is_metered_from_its_tokens_and_listings_are_paginated()
    {
        var client = Start();
        var (authorization, _, _) = await client.BuyL402Async();
        var created = await (await client.SendAsync(HttpMethod.Post, ChatApiClient.Conversations, authorization, new { title = "Paid" })).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt32();

        var reply = await client.SendAsync(HttpMethod.Post, $"{ChatApiClient.Conversations}/{id}/messages", authorization, new { content = "What is a satoshi?" });
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Contains("\"done\":true", await reply.Content.ReadAsStringAsync());
        Assert.True(reply.Headers.Contains("Payment-Receipt"));

        var session = await _factories[0].WithDbAsync(db => db.Sessions.SingleAsync());
        Assert.InRange(session.BalanceSats, 1, 999);
        Assert.Equal(0, session.ReservedSats);
        var debit = await _factories[0].WithDbAsync(db => db.SessionLedger.SingleAsync(e => e.Kind == LedgerEntryKind.UsageDebit));
        Assert.Equal(1000 - session.BalanceSats, -debit.AmountSats);
        var page = await (await client.SendAsync(HttpMethod.Get, $"{ChatApiClient.Conversations}/{id}/messages?limit=1&offset=1", authorization)).ReadJsonAsync();
        Assert.Equal("assistant", Assert.Single(page.EnumerateArray()).Str("role"));
        await (await client.SendAsync(HttpMethod.Get, $"{ChatApiClient.Conversations}?limit=0", authorization)).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_bearer_macaroon_spends_but_cannot_withdraw()
    {
        var client = Start();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync($"Bearer {macaroon}")).StatusCode);

        var response = await client.WithdrawWithBearerAsync(id, macaroon, RefundInvoices.Mint(950));

        Assert.Contains("proof of payment", await response.AssertErrorAsync(HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.OK, (await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(950))).StatusCode);
    }

    [Fact]
    public async Task A_paid_challenge_balance_is_withdrawn_with_its_l402_credential()
    {
        var client = Start();
        var (authorization, _, _) = await client.BuyL402Async();
        Assert.Equal(HttpStatusCode.OK, (await client.DrawAsync(authorization)).StatusCode);
        var session = await _factories[0].WithDbAsync(db => db.Sessions.SingleAsync());

        var response = await client.SendAsync(HttpMethod.Post, $"/api/sessions/{session.Id}/withdraw", authorization, new { invoice = RefundInvoices.Mint(950) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
