using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>A paid top-up noticed by many pollers at once is credited once: one ledger entry, the balance up by its amount.</summary>
public sealed class SessionTopupRaceTests : IDisposable
{
    // Only the pollers notice the payment: no watcher to credit it first.
    private readonly TimmyFactory _factory = new() { Settings = { ["Lightning:WatchInvoices"] = "false" } };

    [Fact]
    public async Task A_top_up_is_credited_once_under_concurrent_pollers()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var topup = await (await client.TopupAsync(id, macaroon, 300)).ReadJsonAsync();
        await client.PayAsync(topup.Str("topup", "paymentHash"));

        var polls = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => client.GetAsync($"/api/sessions/{id}"))));

        Assert.All(polls, poll => Assert.Equal(HttpStatusCode.OK, poll.StatusCode));
        var sessionId = Guid.Parse(id);
        var entries = await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == sessionId).ToListAsync());
        Assert.Single(entries, e => e.Kind == LedgerEntryKind.Topup);
        var balance = (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64();
        Assert.Equal((1300L, 1300L), (balance, entries.Sum(e => e.AmountSats)));
    }

    public void Dispose() => _factory.Dispose();
}
