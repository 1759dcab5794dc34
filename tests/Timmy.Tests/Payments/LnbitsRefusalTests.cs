using Timmy.Api.Payments;
using Timmy.Lightning;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// LNbits' answers to a second payment of the same invoice, its v0.12 key refusal and lagging polls, and a wallet
/// behind a path prefix, as the real servers give them (docs/backends.md, "The fakes").
/// </summary>
public sealed class LnbitsRefusalTests : FakeServerTests<FakeLnbits>
{
    [Fact]
    public async Task A_payout_lnbits_already_paid_is_settled_as_paid_and_not_paid_twice()
    {
        var invoice = Payable(25);
        await PayAsync(invoice.PaymentRequest);
        var balance = Fake.BalanceSats;

        // v1.x answers 520 "Payment already paid." with status "success".
        var again = await PayAsync(invoice.PaymentRequest);

        Assert.Equal((invoice.HashHex, 25L), (again.PaymentHash, again.AmountSats));
        Assert.Equal(Convert.ToHexStringLower(invoice.Preimage), again.Preimage);
        Assert.Equal((1, balance), (Fake.Book.SucceededPayouts, Fake.BalanceSats));
    }

    [Fact]
    public async Task A_payout_lnbits_is_still_making_is_of_unknown_outcome()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Payable(25);
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice.PaymentRequest));

        var again = await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice.PaymentRequest));

        Assert.Contains("Payment is still pending.", again.Message);
    }

    [Fact]
    public async Task A_payout_the_node_confirmed_failed_is_a_plain_failure_when_tried_again()
    {
        Fake.Payouts = FakePayoutMode.StayInFlight;
        var invoice = Payable(25);
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice.PaymentRequest));
        Fake.Book.FinishPayout(invoice.HashHex, succeeded: false);

        var again = await Assert.ThrowsAsync<PaymentBackendException>(() => PayAsync(invoice.PaymentRequest));

        Assert.IsNotType<PaymentOutcomeUnknownException>(again);
    }

    [Fact]
    public async Task A_payout_lnbits_v012_refuses_as_already_tried_is_of_unknown_outcome_and_found_paid_on_asking()
    {
        Fake.SpeaksV012 = true;
        var invoice = Payable(25);
        await PayAsync(invoice.PaymentRequest);
        var balance = Fake.BalanceSats;

        // v0.12 answers 520 "Could not make payment." with no status, whether the first attempt paid, failed or is
        // still paying: never a failure that would give the sats back to be paid out again.
        var again = await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() => PayAsync(invoice.PaymentRequest));

        Assert.Contains("Could not make payment.", again.Message);
        Assert.Equal((1, balance), (Fake.Book.SucceededPayouts, Fake.BalanceSats));
        // The payout reconciler asks, and LNbits' record says paid.
        var status = await Fake.TimmySettings().With().UseBackendAsync(b => b.GetOutgoingPaymentAsync(invoice.HashHex, default));
        Assert.Equal(OutgoingPaymentState.Succeeded, status?.State);
    }

    [Fact]
    public async Task Lnbits_v012_refusing_the_invoice_key_for_a_payout_names_the_admin_key()
    {
        Fake.SpeaksV012 = true;
        var invoice = Payable(10);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnbits:AdminKey", FakeLnbits.InvoiceKey)).UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.Equal("LNbits refused to pay an invoice: the key lacks permission; paying needs the admin key (Invoice (or Admin) key required.)", error.Message);
    }

    [Fact]
    public async Task Lnbits_v012_whose_paid_lags_its_status_is_read_as_paid()
    {
        Fake.SpeaksV012 = true;
        Fake.PaidLagsStatus = true;
        var created = await Fake.TimmySettings().With().UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));
        await Fake.SettleAsync(created.PaymentHash);

        var status = await Fake.TimmySettings().With().UseBackendAsync(b => b.GetInvoiceStatusAsync(created.PaymentHash, default));

        Assert.Equal(InvoiceSettlement.Paid, status?.Settlement);
    }

    [Fact]
    public async Task Lnbits_behind_a_path_prefix_without_a_trailing_slash_gets_its_websocket_there()
    {
        Fake.PathPrefix = "/lnbits";
        var prefixed = new Uri(Fake.BaseAddress, "lnbits").ToString().TrimEnd('/');
        using var factory = new TimmyFactory
        {
            Settings = Fake.TimmySettings().With(("Lightning:Lnbits:Url", prefixed), ("Lightning:WatchInvoices", "true")),
        };
        _ = factory.Services;

        await Eventually.IsTrueAsync(() => Fake.WebSocketSubscribers > 0);
    }

    private FakeInvoice Payable(long sats)
    {
        var request = RefundInvoices.Mint(sats);
        return Fake.Book.AcceptPayable(request, Bolt11Invoice.Decode(request).PaymentHashHex, sats);
    }

    private Task<OutgoingPayment> PayAsync(string paymentRequest) =>
        Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync(paymentRequest, default));
}
