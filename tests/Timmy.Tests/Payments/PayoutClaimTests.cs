using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Payments;
using Timmy.Lightning;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// One invoice of a client's is paid by at most one payout, however refunds and withdrawals race with it: the
/// node would refuse the second as "already paid", and its record of the first would then settle the second as
/// paid though nothing was sent for it.
/// </summary>
public sealed class PayoutClaimTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Racing_refunds_of_two_jobs_to_one_invoice_pay_it_once_and_the_other_stays_claimable()
    {
        var client = _factory.CreateClient();
        var (first, owed) = await client.CompletedJobOwingAsync();
        var (second, owedToo) = await client.CompletedJobOwingAsync();
        Assert.Equal(owed, owedToo);
        var invoice = RefundInvoices.Mint(owed);

        var claims = Enumerable.Range(0, 20).Select(i => client.ClaimRefundAsync(i % 2 == 0 ? first : second, invoice));
        var responses = await Task.WhenAll(claims);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
        var states = new[] { await RefundStateAsync(client, first), await RefundStateAsync(client, second) };
        Assert.Equal(["paid", "pending"], states.Order());
        var unpaid = states[0] == "pending" ? first : second;
        Assert.Equal(HttpStatusCode.OK, (await client.ClaimRefundAsync(unpaid, RefundInvoices.Mint(owed))).StatusCode);
    }

    [Fact]
    public async Task Racing_withdrawals_of_two_sessions_to_one_invoice_pay_it_once_and_the_other_balance_stays()
    {
        var client = _factory.CreateClient();
        var sessions = new[] { await client.ActiveSessionAsync(1000), await client.ActiveSessionAsync(1000) };
        var invoice = RefundInvoices.Mint(1000);

        var withdrawals = Enumerable.Range(0, 20).Select(i => client.WithdrawAsync(sessions[i % 2].Id, sessions[i % 2].Macaroon, invoice));
        var responses = await Task.WhenAll(withdrawals);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
        var balances = new List<long>();
        foreach (var (id, _) in sessions)
        {
            balances.Add((await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        }

        Assert.Equal([0L, 1000L], balances.Order());
    }

    [Fact]
    public async Task An_invoice_another_payout_holds_is_refused_before_anything_moves()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        var invoice = RefundInvoices.Mint(owed);
        // Another payout (on another instance, say) took this invoice and has not reached the node yet.
        await _factory.WithDbAsync(db =>
        {
            PayoutClaims.Take(db, Bolt11Invoice.Decode(invoice).PaymentHashHex, PayoutPurpose.Withdrawal, Guid.NewGuid(), DateTimeOffset.UtcNow);
            return db.SaveChangesAsync();
        });

        var refused = await client.ClaimRefundAsync(jobId, invoice);

        Assert.Equal(PayoutClaims.InvoiceInUse, await refused.AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal("pending", await RefundStateAsync(client, jobId));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    private static async Task<string> RefundStateAsync(HttpClient client, string jobId) =>
        (await client.GetJobAsync(jobId)).Str("costLedger", "refundState");

    public void Dispose() => _factory.Dispose();
}
