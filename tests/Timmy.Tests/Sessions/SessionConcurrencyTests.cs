using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>Many requests racing for one balance: it never goes negative and always equals its ledger.</summary>
public sealed class SessionConcurrencyTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Five_hundred_concurrent_requests_conserve_the_balance()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(600);
        var topup = await (await client.TopupAsync(id, macaroon, 400)).ReadJsonAsync();
        await client.PayAsync(topup.Str("topup", "paymentHash"));
        Assert.Equal(1000, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());

        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => client.SessionRequestAsync(id, macaroon, $"What is a satoshi? #{i}")));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired, HttpStatusCode.Conflict }));
        var debitedByResponses = 0L;
        foreach (var ok in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            debitedByResponses += (await ok.ReadJsonAsync()).GetProperty("debitedSats").GetInt64();
        }

        var session = await _factory.WithDbAsync(db => db.Sessions.SingleAsync());
        var ledger = await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == session.Id).ToListAsync());
        var credits = ledger.Where(e => e.Kind is LedgerEntryKind.Deposit or LedgerEntryKind.Topup).Sum(e => e.AmountSats);
        var debits = -ledger.Where(e => e.AmountSats < 0).Sum(e => e.AmountSats);
        Assert.Equal(1000, credits);
        Assert.Equal(debitedByResponses, debits);
        Assert.Equal(credits - debits, session.BalanceSats);
        Assert.Equal(0, session.ReservedSats);
        Assert.True(session.BalanceSats >= 0);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) > 10);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionRequests.CountAsync(r => r.Outcome == SessionRequestOutcome.Running)));
    }

    public void Dispose() => _factory.Dispose();
}
