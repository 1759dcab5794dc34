using Timmy.Api.Payments;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// A payout the node has not finished is "outcome unknown", never a plain failure (which would let a refund be
/// paid twice), and the node can be asked later how it ended.
/// </summary>
public sealed class LnbitsPayoutOutcomeTests : FakeServerTests<FakeLnbits>
{
    [Fact]
    public async Task A_payment_lnbits_answers_as_pending_is_of_unknown_outcome_until_looked_up()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Fake.Book.IssuePayable(10);

        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        Assert.Equal(OutgoingPaymentState.InFlight, (await LookUpAsync(invoice))?.State);
        Fake.Book.FinishPayout(invoice.HashHex, succeeded: false);
        Assert.Equal(OutgoingPaymentState.Failed, (await LookUpAsync(invoice))?.State);
    }

    [Fact]
    public async Task A_payment_whose_answer_is_lost_is_of_unknown_outcome()
    {
        Fake.Payouts = FakePayoutMode.HangUp;
        var invoice = Fake.Book.IssuePayable(10);

        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        Fake.Book.FinishPayout(invoice.HashHex, succeeded: true);
        Assert.Equal(OutgoingPaymentState.Succeeded, (await LookUpAsync(invoice))?.State);
    }

    [Fact]
    public async Task A_payment_lnbits_v012_answers_without_a_status_is_paid_only_once_lnbits_says_it_is()
    {
        Fake.SpeaksV012 = true;
        var paid = Fake.Book.IssuePayable(10);

        var payment = await PayAsync(paid);

        Assert.Equal(paid.HashHex, payment.PaymentHash);
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var inFlight = Fake.Book.IssuePayable(10);
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(inFlight));
        Assert.Equal(OutgoingPaymentState.InFlight, (await LookUpAsync(inFlight))?.State);
    }

    [Fact]
    public async Task A_payment_refused_with_status_failed_is_a_plain_failure()
    {
        Fake.BalanceSats = 1;
        var invoice = Fake.Book.IssuePayable(10);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() => PayAsync(invoice));

        Assert.IsNotType<PaymentOutcomeUnknownException>(error);
        Assert.Null(await LookUpAsync(invoice));
    }

    [Fact]
    public async Task A_node_that_cannot_be_reached_certainly_did_not_pay()
    {
        var invoice = Fake.Book.IssuePayable(10);
        var closedPort = new Uri($"http://127.0.0.1:{ClosedPort()}/");

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() => Fake.TimmySettings()
            .With(("Lightning:Lnbits:Url", closedPort.ToString()), ("Lightning:MaxRetries", "0"))
            .UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.IsNotType<PaymentOutcomeUnknownException>(error);
        Assert.StartsWith("LNbits is unreachable", error.Message);
    }

    [Fact]
    public async Task A_404_that_is_not_lnbits_own_answer_is_not_taken_for_no_payment()
    {
        var invoice = Fake.Book.IssuePayable(10);
        var wrongPath = Fake.TimmySettings().With(("Lightning:Lnbits:Url", new Uri(Fake.BaseAddress, "behind-a-proxy/").ToString()));

        await Assert.ThrowsAsync<PaymentBackendException>(() => wrongPath.UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default)));
    }

    /// <summary>A loopback port nothing listens on (it was free a moment ago), so connecting is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<OutgoingPayment> PayAsync(FakeInvoice invoice) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default));

    private Task<OutgoingPaymentStatus?> LookUpAsync(FakeInvoice invoice) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default));
}

public sealed class LndPayoutOutcomeTests : FakeServerTests<FakeLnd>
{
    [Fact]
    public async Task A_payment_stream_that_ends_in_flight_is_of_unknown_outcome_and_tracked_without_waiting()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Fake.Book.IssuePayable(100);

        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        // LND keeps the track stream open while the payment is in flight; the lookup reads the first state only.
        var tracked = LookUpAsync(invoice);
        Assert.Same(tracked, await Task.WhenAny(tracked, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(OutgoingPaymentState.InFlight, (await tracked)?.State);
        Fake.Book.FinishPayout(invoice.HashHex, succeeded: true);
        Assert.Equal(OutgoingPaymentState.Succeeded, (await LookUpAsync(invoice))?.State);
    }

    [Fact]
    public async Task A_payment_stream_cut_off_is_of_unknown_outcome()
    {
        Fake.Payouts = FakePayoutMode.HangUp;
        var invoice = Fake.Book.IssuePayable(100);

        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));
    }

    [Fact]
    public async Task Paying_a_hash_already_in_flight_is_of_unknown_outcome_not_a_failure()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Fake.Book.IssuePayable(100);
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        var again = await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        Assert.Contains("in transition", again.Message);
    }

    [Fact]
    public async Task An_error_in_the_stream_after_the_router_took_the_payment_is_of_unknown_outcome()
    {
        Fake.Payouts = FakePayoutMode.StreamError;
        var invoice = Fake.Book.IssuePayable(100);

        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice));

        Assert.Equal(OutgoingPaymentState.InFlight, (await LookUpAsync(invoice))?.State);
    }

    [Fact]
    public async Task An_invoice_lnd_cannot_decode_is_a_plain_failure()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync("lnbcrt1pnotaninvoice", default)));

        Assert.IsNotType<PaymentOutcomeUnknownException>(error);
        Assert.Contains("invalid bech32", error.Message);
    }

    [Fact]
    public async Task A_404_that_is_not_lnds_own_answer_is_not_taken_for_no_payment()
    {
        var invoice = Fake.Book.IssuePayable(100);
        var wrongPath = Fake.TimmySettings().With(("Lightning:Lnd:Url", new Uri(Fake.BaseAddress, "behind-a-proxy/").ToString()));

        await Assert.ThrowsAsync<PaymentBackendException>(() => wrongPath.UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default)));
    }

    [Fact]
    public async Task A_payment_without_a_route_is_a_plain_failure_and_tracked_as_failed()
    {
        Fake.NoRoute = true;
        var invoice = Fake.Book.IssuePayable(100);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() => PayAsync(invoice));

        Assert.IsNotType<PaymentOutcomeUnknownException>(error);
        Assert.Equal(OutgoingPaymentState.Failed, (await LookUpAsync(invoice))?.State);
    }

    private Task<OutgoingPayment> PayAsync(FakeInvoice invoice) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default));

    private Task<OutgoingPaymentStatus?> LookUpAsync(FakeInvoice invoice) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default));
}
