using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Payments.Stub;
using Timmy.Api.Sessions;
using Timmy.Lightning;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>
/// A session's balance is the client's until spent: it can be paid out to their invoice whatever the session's state,
/// once however many withdrawals race, and a payout that fails or never happens puts the sats back.
/// </summary>
public sealed class SessionWithdrawalTests : IAsyncLifetime
{
    private readonly TimmyFactory _factory = new() { Settings = { ["Lightning:PayoutCheckSeconds"] = "1" } };
    private readonly FakeLnbits _lnbits = new();

    public Task InitializeAsync() => _lnbits.StartAsync();

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _lnbits.DisposeAsync();
    }

    [Fact]
    public async Task The_whole_balance_is_paid_to_the_invoice_and_the_ledger_balances()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var invoice = RefundInvoices.Mint(1000);

        var response = await client.WithdrawAsync(id, macaroon, invoice);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(1000, body.GetProperty("amountSats").GetInt64());
        Assert.Equal(Bolt11Invoice.Decode(invoice).PaymentHashHex, body.Str("paymentHash"));
        var session = await client.GetSessionAsync(id);
        Assert.Equal((0L, "paused"), (session.GetProperty("balanceSats").GetInt64(), session.Str("state")));
        Assert.Equal(1000, (await _factory.WithDbAsync(db => db.StubPayments.SingleAsync())).AmountSats);
        Assert.Equal(0, await LedgerSumAsync(id));
    }

    [Fact]
    public async Task An_expired_sessions_balance_can_still_be_withdrawn()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new TimmyFactory { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        var client = factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(700);
        clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal("expired", (await client.GetSessionAsync(id)).Str("state"));

        var response = await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(700, timestamp: clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = await client.GetSessionAsync(id);
        Assert.Equal((0L, "expired"), (session.GetProperty("balanceSats").GetInt64(), session.Str("state")));
    }

    [Fact]
    public async Task An_invoice_for_another_amount_is_a_400_naming_the_balance_and_nothing_moves()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var response = await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(999));

        Assert.Contains("exactly 1000 sats", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(1000, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionWithdrawals.CountAsync()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("AgEFdGltbXkCBGFiY2QAAAYgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Withdrawing_needs_the_sessions_macaroon(string? macaroon)
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync(1000);

        var response = await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(1000));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    [Fact]
    public async Task Racing_withdrawals_pay_the_balance_out_once()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(1000))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
        Assert.Equal(0, await LedgerSumAsync(id));
        Assert.Contains("Nothing to withdraw", await (await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(1000))).AssertErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task An_invoice_the_node_already_paid_is_refused_and_nothing_moves()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var alreadyPaid = RefundInvoices.Mint(1000);
        await _factory.WithDbAsync(db => PaidByTheNodeAsync(db, alreadyPaid, 1000));

        var response = await client.WithdrawAsync(id, macaroon, alreadyPaid);

        Assert.Contains("already been paid", await response.AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(1000, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionWithdrawals.CountAsync()));
    }

    [Fact]
    public async Task A_payout_the_node_refuses_puts_the_sats_back_and_resumes_the_session()
    {
        using var factory = OnLnbits();
        var client = factory.CreateClient();
        var (id, macaroon) = await ActiveSessionOnLnbitsAsync(factory, client, 1000);
        _lnbits.BalanceSats = 1;
        var invoice = AcceptedByLnbits(1000);

        var response = await client.WithdrawAsync(id, macaroon, invoice);

        var error = await response.AssertErrorAsync(HttpStatusCode.InternalServerError);
        Assert.Contains("back in the session's balance", error);
        // In Timmy's words with a reference for the logs; the node's own text stays in the logs.
        Assert.Matches(@"\(ref [0-9a-f]{12}\)", error);
        Assert.DoesNotContain("Insufficient balance", error);
        var session = await client.GetSessionAsync(id);
        Assert.Equal((1000L, "active"), (session.GetProperty("balanceSats").GetInt64(), session.Str("state")));
        Assert.Equal(1000, await LedgerSumAsync(factory, id));
        Assert.Equal(SessionWithdrawalState.Reversed, (await factory.WithDbAsync(db => db.SessionWithdrawals.SingleAsync())).State);
        // The payment certainly failed, so the invoice is free again.
        _lnbits.BalanceSats = 100_000;
        Assert.Equal(HttpStatusCode.OK, (await client.WithdrawAsync(id, macaroon, invoice)).StatusCode);
        Assert.Equal(0, await LedgerSumAsync(factory, id));
    }

    [Fact]
    public async Task A_payout_lnbits_leaves_pending_shows_on_the_session_until_the_node_settles_it()
    {
        using var factory = OnLnbits();
        var client = factory.CreateClient();
        var (id, macaroon) = await ActiveSessionOnLnbitsAsync(factory, client, 600);
        _lnbits.Payouts = FakePayoutMode.StayInFlight;
        var invoice = AcceptedByLnbits(600);

        var response = await client.WithdrawAsync(id, macaroon, invoice);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False((await response.ReadJsonAsync()).GetProperty("ok").GetBoolean());
        var pending = (await client.WithdrawalsAsync(id, macaroon)).EnumerateArray().Single();
        Assert.Equal((600L, Bolt11Invoice.Decode(invoice).PaymentHashHex, "paying"), (pending.GetProperty("amountSats").GetInt64(), pending.Str("paymentHash"), pending.Str("state")));
        Assert.Equal(0, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());

        _lnbits.Book.FinishPayout(Bolt11Invoice.Decode(invoice).PaymentHashHex, succeeded: true);

        await Eventually.ReturnsAsync(() => client.WithdrawalsAsync(id, macaroon), w => w[0].Str("state") == "paid");
        Assert.Equal(0, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        Assert.Equal(0, await LedgerSumAsync(factory, id));
    }

    [Fact]
    public async Task Withdrawals_left_paying_by_a_crash_are_settled_from_the_nodes_record()
    {
        var client = _factory.CreateClient();
        var (paidId, _) = await client.ActiveSessionAsync(400);
        var (lostId, _) = await client.ActiveSessionAsync(500);
        var (recentId, recentMacaroon) = await client.ActiveSessionAsync(300);
        var paidInvoice = RefundInvoices.Mint(400);
        // What a crash mid-payout leaves: balances debited, withdrawals paying; the node paid one and never heard of the other.
        await _factory.WithDbAsync(async db =>
        {
            await PaidByTheNodeAsync(db, paidInvoice, 400);
            await DebitedAsync(db, paidId, 400, Bolt11Invoice.Decode(paidInvoice).PaymentHashHex, DateTimeOffset.UtcNow);
            await DebitedAsync(db, recentId, 300, Bolt11Invoice.Decode(RefundInvoices.Mint(300)).PaymentHashHex, DateTimeOffset.UtcNow);
            return await DebitedAsync(db, lostId, 500, Bolt11Invoice.Decode(RefundInvoices.Mint(500)).PaymentHashHex, DateTimeOffset.UtcNow.AddHours(-1));
        });

        // The recent one the node has not heard of may still be on its way there: it waits out the grace period.
        await Eventually.ReturnsAsync(() => _factory.WithDbAsync(db => db.SessionWithdrawals.CountAsync(w => w.State == SessionWithdrawalState.Paying)), paying => paying == 1);

        Assert.Equal(0, (await client.GetSessionAsync(paidId)).GetProperty("balanceSats").GetInt64());
        var lost = await client.GetSessionAsync(lostId);
        Assert.Equal((500L, "active"), (lost.GetProperty("balanceSats").GetInt64(), lost.Str("state")));
        Assert.Equal((0, 500, 0), (await LedgerSumAsync(_factory, paidId), await LedgerSumAsync(_factory, lostId), await LedgerSumAsync(_factory, recentId)));
        Assert.Equal("paying", (await client.WithdrawalsAsync(recentId, recentMacaroon))[0].Str("state"));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    private Task<long> LedgerSumAsync(string sessionId) => LedgerSumAsync(_factory, sessionId);

    private static Task<long> LedgerSumAsync(TimmyFactory factory, string sessionId) =>
        factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == Guid.Parse(sessionId)).SumAsync(e => e.AmountSats));

    private TimmyFactory OnLnbits() => new() { Settings = _lnbits.TimmySettings().With(("Lightning:PayoutCheckSeconds", "1")) };

    /// <summary>A session whose deposit was paid on the fake LNbits wallet; returns (id, macaroon).</summary>
    private async Task<(string Id, string Macaroon)> ActiveSessionOnLnbitsAsync(TimmyFactory factory, HttpClient client, long amountSats)
    {
        var id = (await client.CreateSessionAsync(amountSats)).Str("sessionId");
        var deposit = await factory.WithDbAsync(db => db.Invoices.SingleAsync(i => i.SessionId == Guid.Parse(id)));
        await _lnbits.SettleAsync(deposit.PaymentHash);
        SessionClient.RememberDepositPreimage(id, Convert.ToHexStringLower(_lnbits.Book.Find(deposit.PaymentHash)!.Preimage));
        var session = await client.GetSessionAsync(id);
        Assert.Equal("active", session.Str("state"));
        return (id, session.Str("macaroon"));
    }

    /// <summary>A client's invoice for the amount, which the fake LNbits wallet can pay.</summary>
    private string AcceptedByLnbits(long amountSats)
    {
        var invoice = RefundInvoices.Mint(amountSats);
        _lnbits.Book.AcceptPayable(invoice, Bolt11Invoice.Decode(invoice).PaymentHashHex, amountSats);
        return invoice;
    }

    private static Task<int> PaidByTheNodeAsync(Timmy.Api.Data.TimmyDbContext db, string invoice, long amountSats)
    {
        db.StubPayments.Add(new StubPayment
        {
            PaymentHash = Bolt11Invoice.Decode(invoice).PaymentHashHex, PaymentRequest = invoice, AmountSats = amountSats,
            Preimage = new string('0', 64), SentAt = DateTimeOffset.UtcNow,
        });
        return db.SaveChangesAsync();
    }

    /// <summary>The state a withdrawal's debit leaves before its payment is known: balance 0, ledger entry, withdrawal paying.</summary>
    private static async Task<int> DebitedAsync(Timmy.Api.Data.TimmyDbContext db, string sessionId, long amountSats, string hash, DateTimeOffset startedAt)
    {
        var id = Guid.Parse(sessionId);
        await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(set => set.SetProperty(s => s.BalanceSats, 0L).SetProperty(s => s.State, SessionState.Paused));
        var withdrawal = new SessionWithdrawal { Id = Guid.NewGuid(), SessionId = id, AmountSats = amountSats, PaymentHash = hash, State = SessionWithdrawalState.Paying, CreatedAt = startedAt };
        db.SessionWithdrawals.Add(withdrawal);
        db.SessionLedger.Add(new SessionLedgerEntry { SessionId = id, Kind = LedgerEntryKind.Withdrawal, AmountSats = -amountSats, WithdrawalId = withdrawal.Id, CreatedAt = startedAt });
        return await db.SaveChangesAsync();
    }
}
