using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Lightning;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Refunds;

/// <summary>
/// A refund payout whose outcome is not known at once (the node said pending, the answer was lost, the process
/// died mid-payout) stays paying, is never paid a second time meanwhile, and is settled from the node's own
/// record of the payment: paid if it went through, claimable again if it failed or never reached the node.
/// </summary>
public sealed class RefundPayoutRecoveryTests : IAsyncLifetime
{
    private const long Owed = 7;
    private readonly FakeLnbits _lnbits = new();

    public Task InitializeAsync() => _lnbits.StartAsync();

    public async Task DisposeAsync() => await _lnbits.DisposeAsync();

    [Fact]
    public async Task A_payout_lnbits_leaves_pending_is_answered_202_and_recorded_paid_once_it_succeeds()
    {
        using var factory = OnLnbits();
        var client = factory.CreateClient();
        var jobId = await SeedJobOwingAsync(factory);
        _lnbits.Payouts = FakePayoutMode.StayInFlight;
        var invoice = AcceptedByLnbits();

        var response = await ClaimAsync(client, jobId, invoice);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal(Bolt11Invoice.Decode(invoice).PaymentHashHex, body.Str("paymentHash"));
        Assert.Equal("pending", await RefundStateAsync(client, jobId));
        var second = await ClaimAsync(client, jobId, AcceptedByLnbits());
        Assert.Contains("already being paid", await second.AssertErrorAsync(HttpStatusCode.Conflict));

        _lnbits.Book.FinishPayout(Bolt11Invoice.Decode(invoice).PaymentHashHex, succeeded: true);

        await Eventually.ReturnsAsync(() => RefundStateAsync(client, jobId), state => state == "paid");
        Assert.Equal(100_000 - Owed, _lnbits.BalanceSats);
    }

    [Fact]
    public async Task A_payout_whose_answer_was_lost_and_that_failed_becomes_claimable_again_and_is_paid_once()
    {
        using var factory = OnLnbits();
        var client = factory.CreateClient();
        var jobId = await SeedJobOwingAsync(factory);
        _lnbits.Payouts = FakePayoutMode.HangUp;
        var lost = AcceptedByLnbits();

        Assert.Equal(HttpStatusCode.Accepted, (await ClaimAsync(client, jobId, lost)).StatusCode);
        _lnbits.Book.FinishPayout(Bolt11Invoice.Decode(lost).PaymentHashHex, succeeded: false);
        await Eventually.ReturnsAsync(() => StoredAsync(factory, jobId), job => job.RefundState == RefundState.Pending);

        _lnbits.Payouts = FakePayoutMode.Succeed;
        var retry = await ClaimAsync(client, jobId, AcceptedByLnbits());

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("paid", await RefundStateAsync(client, jobId));
        Assert.Equal(1, _lnbits.Book.SucceededPayouts);
    }

    [Fact]
    public async Task A_payout_lnbits_refuses_leaves_the_refund_claimable_and_it_is_paid_once()
    {
        using var factory = OnLnbits();
        var client = factory.CreateClient();
        var jobId = await SeedJobOwingAsync(factory);
        _lnbits.BalanceSats = 1;
        var invoice = AcceptedByLnbits();

        var refused = await ClaimAsync(client, jobId, invoice);

        var said = await refused.AssertErrorAsync(HttpStatusCode.InternalServerError);
        Assert.StartsWith("Refund payment failed (ref ", said);
        Assert.DoesNotContain("Insufficient balance", said);
        Assert.Equal(RefundState.Pending, (await StoredAsync(factory, jobId)).RefundState);
        _lnbits.BalanceSats = 100_000;
        // The payment certainly failed, so the invoice is free again: the client need not make a new one.
        Assert.Equal(HttpStatusCode.OK, (await ClaimAsync(client, jobId, invoice)).StatusCode);
        Assert.Equal(1, _lnbits.Book.SucceededPayouts);
    }

    [Fact]
    public async Task A_late_verdict_on_an_earlier_attempt_to_the_same_invoice_does_not_touch_the_newer_attempt()
    {
        using var factory = ReconciledByHand();
        var jobId = await SeedJobOwingAsync(factory);
        var invoice = Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex;
        // Both attempts are within the background reconciler's grace period; only the call below judges with none.
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-2);
        await factory.WithDbAsync(db => MarkPayingAsync(db, jobId, invoice, earlier));
        var staleView = await StoredAsync(factory, jobId);
        // Meanwhile (another instance) the earlier attempt was given back and the client claimed again with the same invoice.
        await factory.WithDbAsync(db => MarkPayingAsync(db, jobId, invoice, DateTimeOffset.UtcNow));
        await factory.WithDbAsync(db => TakeClaimAsync(db, invoice, Guid.Parse(jobId)));

        await using var scope = factory.Services.CreateAsyncScope();
        var state = await scope.ServiceProvider.GetRequiredService<RefundClaims>().ReconcileAsync(staleView, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(RefundState.Paying, state);
        var job = await StoredAsync(factory, jobId);
        Assert.Equal(RefundState.Paying, job.RefundState);
        Assert.True(job.RefundAttemptedAt > earlier.AddMinutes(1));
        Assert.Equal(1, await factory.WithDbAsync(db => db.PayoutClaims.CountAsync()));
    }

    [Fact]
    public async Task Giving_back_a_payout_keeps_the_claim_another_payout_holds_on_its_invoice()
    {
        using var factory = ReconciledByHand();
        var jobId = await SeedJobOwingAsync(factory);
        var invoice = Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex;
        // A payout started before claims existed took none; a later one holds the same invoice.
        var holder = Guid.NewGuid();
        await factory.WithDbAsync(db => TakeClaimAsync(db, invoice, holder));
        // Within the background reconciler's grace period; only the call below judges with none.
        await factory.WithDbAsync(db => MarkPayingAsync(db, jobId, invoice, DateTimeOffset.UtcNow.AddMinutes(-1)));

        await using var scope = factory.Services.CreateAsyncScope();
        var state = await scope.ServiceProvider.GetRequiredService<RefundClaims>().ReconcileAsync(await StoredAsync(factory, jobId), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(RefundState.Pending, state);
        Assert.Equal(holder, (await factory.WithDbAsync(db => db.PayoutClaims.SingleAsync())).PayoutOf);
    }

    [Fact]
    public async Task A_late_verdict_on_an_earlier_payout_does_not_touch_a_newer_claims_payout()
    {
        using var factory = ReconciledByHand();
        var jobId = await SeedJobOwingAsync(factory);
        var earlier = Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex;
        var newer = Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex;
        // Within the background reconciler's grace period; only the call below judges with none.
        await factory.WithDbAsync(db => MarkPayingAsync(db, jobId, earlier, DateTimeOffset.UtcNow.AddMinutes(-2)));
        var staleView = await StoredAsync(factory, jobId);
        // Meanwhile (another instance) the earlier payout was settled as never made and the client claimed again.
        await factory.WithDbAsync(db => MarkPayingAsync(db, jobId, newer, DateTimeOffset.UtcNow));

        await using var scope = factory.Services.CreateAsyncScope();
        var state = await scope.ServiceProvider.GetRequiredService<RefundClaims>().ReconcileAsync(staleView, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(RefundState.Paying, state);
        var job = await StoredAsync(factory, jobId);
        Assert.Equal((RefundState.Paying, newer), (job.RefundState, job.RefundPaymentHash));
    }

    [Fact]
    public async Task A_payout_cut_short_by_a_crash_after_the_node_paid_is_recorded_paid_without_paying_again()
    {
        using var factory = OnStub();
        var jobId = await SeedJobOwingAsync(factory);
        var invoice = RefundInvoices.Mint(Owed);
        var hash = Bolt11Invoice.Decode(invoice).PaymentHashHex;
        // What a crash between the node's payment and recording it leaves: the node's payment, a refund still paying.
        await factory.WithDbAsync(async db =>
        {
            db.StubPayments.Add(new StubPayment { PaymentHash = hash, PaymentRequest = invoice, AmountSats = Owed, Preimage = new string('1', 64), SentAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return await MarkPayingAsync(db, jobId, hash, DateTimeOffset.UtcNow);
        });

        var job = await Eventually.ReturnsAsync(() => StoredAsync(factory, jobId), j => j.RefundState == RefundState.Paid);

        Assert.Equal(hash, job.RefundPaymentHash);
        Assert.Equal(1, await factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    [Fact]
    public async Task A_payout_that_never_reached_the_node_becomes_claimable_only_after_the_grace_period()
    {
        using var factory = OnStub(("Lightning:PayoutUnknownAfterSeconds", "60"));
        var client = factory.CreateClient();
        var recent = await SeedJobOwingAsync(factory);
        var old = await SeedJobOwingAsync(factory);
        await factory.WithDbAsync(db => MarkPayingAsync(db, recent, Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex, DateTimeOffset.UtcNow));
        await factory.WithDbAsync(db => MarkPayingAsync(db, old, Bolt11Invoice.Decode(RefundInvoices.Mint(Owed)).PaymentHashHex, DateTimeOffset.UtcNow.AddMinutes(-2)));

        await Eventually.ReturnsAsync(() => StoredAsync(factory, old), j => j.RefundState == RefundState.Pending);

        // The recent one may still be on its way to the node: it waits out the grace period, still paying.
        Assert.Equal(RefundState.Paying, (await StoredAsync(factory, recent)).RefundState);
        Assert.Contains("already being paid", await (await ClaimAsync(client, recent, RefundInvoices.Mint(Owed))).AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.OK, (await ClaimAsync(client, old, RefundInvoices.Mint(Owed))).StatusCode);
    }

    private TimmyFactory OnLnbits() => new() { Settings = _lnbits.TimmySettings().With(("Lightning:PayoutCheckSeconds", "1")) };

    /// <summary>The background reconciler passes rarely (and gives nothing back within its grace period); tests call it.</summary>
    private static TimmyFactory ReconciledByHand() => OnStub(("Lightning:PayoutCheckSeconds", "3600"));

    private static TimmyFactory OnStub(params (string Key, string? Value)[] settings) =>
        new() { Settings = new Dictionary<string, string?> { ["Lightning:PayoutCheckSeconds"] = "1" }.With(settings) };

    /// <summary>A client's refund invoice for the amount owed, which the fake LNbits wallet can pay.</summary>
    private string AcceptedByLnbits()
    {
        var invoice = RefundInvoices.Mint(Owed);
        _lnbits.Book.AcceptPayable(invoice, Bolt11Invoice.Decode(invoice).PaymentHashHex, Owed);
        return invoice;
    }

    /// <summary>A complete job, its 10-sat work paid, owing <see cref="Owed"/> sats back, as the cost ledger would leave it.</summary>
    private static async Task<string> SeedJobOwingAsync(TimmyFactory factory)
    {
        var id = Guid.NewGuid();
        var workInvoice = new Invoice
        {
            Id = Guid.NewGuid(),
            JobId = id,
            Kind = InvoiceKind.JobWork,
            PaymentHash = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            PaymentRequest = "lnbcrt100n1pwork",
            AmountSats = 10,
            CreatedAt = DateTimeOffset.UtcNow,
            PaidAt = DateTimeOffset.UtcNow,
        };
        var job = Job.Create(id, "What is a satoshi?", workInvoice, DateTimeOffset.UtcNow);
        await factory.WithDbAsync(async db =>
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
            // Its moves to complete, as the cost ledger writes them (a job's setters are its own).
            return await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.BtcPriceUsd, 100_000m)
                .SetProperty(j => j.MarginPct, 25m)
                .SetProperty(j => j.State, JobState.Complete)
                .SetProperty(j => j.CompletedAt, DateTimeOffset.UtcNow)
                .SetProperty(j => j.Result, "A hundred-millionth of a bitcoin.")
                .SetProperty(j => j.ActualAmountSats, 3)
                .SetProperty(j => j.RefundAmountSats, Owed)
                .SetProperty(j => j.RefundState, RefundState.Pending));
        });
        return job.Id.ToString();
    }

    private static Task<int> MarkPayingAsync(Timmy.Api.Data.TimmyDbContext db, string jobId, string hash, DateTimeOffset attemptedAt) =>
        db.Jobs.Where(j => j.Id == Guid.Parse(jobId)).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.RefundState, RefundState.Paying)
            .SetProperty(j => j.RefundPaymentHash, hash)
            .SetProperty(j => j.RefundAttemptedAt, attemptedAt));

    private static Task<int> TakeClaimAsync(Timmy.Api.Data.TimmyDbContext db, string hash, Guid payoutOf)
    {
        PayoutClaims.Take(db, hash, PayoutPurpose.Refund, payoutOf, DateTimeOffset.UtcNow);
        return db.SaveChangesAsync();
    }

    private static Task<Job> StoredAsync(TimmyFactory factory, string jobId) =>
        factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == Guid.Parse(jobId)));

    private static async Task<string> RefundStateAsync(HttpClient client, string jobId) =>
        (await client.GetJobAsync(jobId)).Str("costLedger", "refundState");

    private static Task<HttpResponseMessage> ClaimAsync(HttpClient client, string jobId, string invoice) =>
        client.PostAsJsonAsync($"/api/jobs/{jobId}/refund", new { invoice });
}
