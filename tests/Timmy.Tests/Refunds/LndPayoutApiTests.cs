using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Lightning;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Refunds;

/// <summary>Refunds and session withdrawals through the API on LND (the fake's REST gateway, TLS on loopback).</summary>
public sealed class LndPayoutApiTests : FakeServerTests<FakeLnd>
{
    [Fact]
    public async Task A_refund_is_paid_once_through_lnds_router()
    {
        using var factory = OnLnd();
        var client = factory.CreateClient();
        var (jobId, owed) = await CompletedJobOwingAsync(factory, client);
        var invoice = AcceptedByLnd(owed);

        var paid = await client.ClaimRefundAsync(jobId, invoice);
        var again = await client.ClaimRefundAsync(jobId, AcceptedByLnd(owed));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(Bolt11Invoice.Decode(invoice).PaymentHashHex, (await paid.ReadJsonAsync()).Str("paymentHash"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("paid", (await client.GetJobAsync(jobId)).Str("costLedger", "refundState"));
        Assert.Equal(1, Fake.Book.SucceededPayouts);
    }

    [Fact]
    public async Task A_refund_lnd_is_still_routing_is_settled_paid_when_lnd_says_so()
    {
        using var factory = OnLnd();
        var client = factory.CreateClient();
        var (jobId, owed) = await CompletedJobOwingAsync(factory, client);
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = AcceptedByLnd(owed);

        Assert.Equal(HttpStatusCode.Accepted, (await client.ClaimRefundAsync(jobId, invoice)).StatusCode);
        Fake.Book.FinishPayout(Bolt11Invoice.Decode(invoice).PaymentHashHex, succeeded: true);

        await Eventually.ReturnsAsync(async () => (await client.GetJobAsync(jobId)).Str("costLedger", "refundState"), state => state == "paid", TimeSpan.FromSeconds(30));
        Assert.Equal(1, Fake.Book.SucceededPayouts);
    }

    [Fact]
    public async Task A_session_balance_is_withdrawn_through_lnds_router_and_the_ledger_balances()
    {
        using var factory = OnLnd();
        var client = factory.CreateClient();
        var id = (await client.CreateSessionAsync(1000)).Str("sessionId");
        var deposit = await factory.WithDbAsync(db => db.Invoices.SingleAsync(i => i.SessionId == Guid.Parse(id)));
        Fake.Settle(deposit.PaymentHash);
        var session = await client.GetSessionAsync(id);
        Assert.Equal("active", session.Str("state"));

        // Money out needs proof of payment: the session's macaroon with its deposit's preimage, as LND revealed it.
        var preimage = Convert.ToHexStringLower(Fake.Book.ByPaymentRequest(deposit.PaymentRequest).Preimage);
        var response = await client.WithdrawAsync(id, $"{session.Str("macaroon")}:{preimage}", AcceptedByLnd(1000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        Assert.Equal(0, await factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == Guid.Parse(id)).SumAsync(e => e.AmountSats)));
        Assert.Equal(1, Fake.Book.SucceededPayouts);
    }

    private TimmyFactory OnLnd() => new() { Settings = Fake.TimmySettings().With(("Lightning:PayoutCheckSeconds", "1")) };

    /// <summary>A job paid on the fake LND and completed by the offline model, which costs less than quoted: some sats are owed.</summary>
    private async Task<(string JobId, long Owed)> CompletedJobOwingAsync(TimmyFactory factory, HttpClient client)
    {
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        var jobId = created.Str("jobId");
        Fake.Settle(Fake.Book.ByPaymentRequest(created.Str("evalInvoice", "paymentRequest")).HashHex);
        var accepted = await Eventually.ReturnsAsync(() => client.GetJobAsync(jobId), job => job.Str("state") != "awaiting_eval_payment" && job.Str("state") != "evaluating", TimeSpan.FromSeconds(30));
        Fake.Settle(Fake.Book.ByPaymentRequest(accepted.Str("workInvoice", "paymentRequest")).HashHex);
        var job = await client.PollUntilSettledAsync(jobId);
        Assert.Equal("complete", job.Str("state"));
        var owed = job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64();
        Assert.True(owed > 0);
        return (jobId, owed);
    }

    /// <summary>A client's invoice for the amount, which the fake LND can pay.</summary>
    private string AcceptedByLnd(long amountSats)
    {
        var invoice = RefundInvoices.Mint(amountSats);
        Fake.Book.AcceptPayable(invoice, Bolt11Invoice.Decode(invoice).PaymentHashHex, amountSats);
        return invoice;
    }
}
