using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// LND's streaming routes that fail before their first message answer <c>{"error":{"code","message","details"}}</c>;
/// the client gives LND's message, not the raw JSON, for a payment, its tracking and the invoice subscription. The
/// invoice subscription resumes from the last settle_index seen.
/// </summary>
public sealed class LndStreamErrorTests : FakeServerTests<FakeLnd>
{
    [Fact]
    public async Task A_payment_refused_before_streaming_gives_lnds_message()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync("lnbcrt1pnotaninvoice", default)));

        Assert.IsNotType<PaymentOutcomeUnknownException>(error);
        Assert.Equal("LND failed to pay an invoice: HTTP 500 (invalid bech32 string length 24)", error.Message);
    }

    [Fact]
    public async Task A_payment_track_refused_before_streaming_gives_lnds_message()
    {
        var invoice = Fake.Book.IssuePayable(100);
        var wrongMacaroon = Fake.TimmySettings().With(("Lightning:Lnd:Macaroon", Convert.ToHexStringLower(new byte[48])));

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            wrongMacaroon.UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default)));

        Assert.Equal("LND failed to look up a payment: HTTP 500 (verification failed: signature mismatch after caveat verification)", error.Message);
    }

    [Fact]
    public async Task The_invoice_subscription_refused_before_streaming_gives_lnds_message()
    {
        Fake.RefuseSubscriptions = true;
        using var factory = new TimmyFactory { Settings = Fake.TimmySettings().With() };
        var listener = factory.Services.GetRequiredService<IInvoiceListener>();
        var connected = false;

        var error = await Assert.ThrowsAsync<PaymentBackendException>(async () =>
        {
            await foreach (var _ in listener.ListenAsync(() => connected = true, CancellationToken.None))
            {
            }
        });

        Assert.False(connected);
        Assert.Equal("LND refused the invoice subscription: HTTP 503 (connection error: desc = \"transport: Error while dialing\")", error.Message);
    }

    [Fact]
    public async Task A_second_payment_of_a_hash_in_flight_names_lnds_reason()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Fake.Book.IssuePayable(100);
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        var again = await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        Assert.Contains("HTTP 409 (payment is in transition)", again.Message);
        Assert.DoesNotContain("{", again.Message);
    }

    [Fact]
    public async Task The_invoice_subscription_catches_up_on_settlements_made_while_it_was_down()
    {
        using var factory = new TimmyFactory
        {
            Settings = Fake.TimmySettings().With(("Lightning:WatchInvoices", "true"), ("Lightning:PollIntervalMs", "600000"), ("Lightning:ListeningPollIntervalMs", "600000")),
        };
        var first = await factory.CreateClient().CreateJobIdAsync();
        var second = await factory.CreateClient().CreateJobIdAsync();
        await Eventually.IsTrueAsync(() => Fake.Subscribers > 0);
        Fake.Settle(Fake.Book.ByPaymentRequest(await EvalRequestAsync(factory, first)).HashHex);
        await StateBecomesAsync(factory, first, JobState.AwaitingWorkPayment);

        var lookups = Fake.InvoiceLookups;
        Fake.RefuseSubscriptions = true;
        Fake.DropSubscribers();
        // The watcher polls once when its feed drops (the first job's work invoice, the second's eval invoice); only
        // after that poll does a settlement need the subscription's catch-up to be noticed.
        await Eventually.IsTrueAsync(() => Fake.Subscribers == 0 && Fake.InvoiceLookups >= lookups + 2);
        Fake.Settle(Fake.Book.ByPaymentRequest(await EvalRequestAsync(factory, second)).HashHex);
        Fake.RefuseSubscriptions = false;

        await StateBecomesAsync(factory, second, JobState.AwaitingWorkPayment);
        Assert.Equal("1", Fake.LastSubscribedSettleIndex);
    }

    private static Task<string> EvalRequestAsync(TimmyFactory factory, Guid jobId) =>
        factory.WithDbAsync(db => db.Invoices.Where(i => i.JobId == jobId).Select(i => i.PaymentRequest).SingleAsync());

    /// <summary>Reads the job from the database (the API would ask the node itself) until it reaches the state.</summary>
    private static Task StateBecomesAsync(TimmyFactory factory, Guid jobId, JobState state) =>
        Eventually.ReturnsAsync(() => factory.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.State).SingleAsync()), s => s == state);

    private Task<OutgoingPayment> PayAsync(FakeInvoice invoice) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default));
}
