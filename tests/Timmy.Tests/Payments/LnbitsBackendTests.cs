using Timmy.Api.Payments;
using Timmy.Api.Payments.Lnbits;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>LNbits' own answers (wrong keys, 520s, failed invoices) become clear errors or states.</summary>
public sealed class LnbitsBackendTests : FakeServerTests<FakeLnbits>
{
    [Fact]
    public async Task An_unknown_invoice_key_is_reported_as_wallet_not_found()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnbits:ApiKey", "not-a-key")).UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default)));

        Assert.Equal("LNbits could not create an invoice: wallet not found, check the API key (Wallet not found.)", error.Message);
    }

    [Fact]
    public async Task Paying_with_the_invoice_key_in_place_of_the_admin_key_names_the_admin_key()
    {
        var invoice = Fake.Book.IssuePayable(10);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnbits:AdminKey", FakeLnbits.InvoiceKey)).UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.Contains("paying needs the admin key (Invalid adminkey.)", error.Message);
    }

    [Fact]
    public async Task Paying_without_an_admin_key_configured_fails_before_calling_lnbits()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnbits:AdminKey", "")).UseBackendAsync(b => b.PayInvoiceAsync("lnbcrt1n1x", default)));

        Assert.Contains("Lightning:Lnbits:AdminKey is not configured", error.Message);
        Assert.Equal(0, Fake.Requests);
    }

    [Fact]
    public async Task A_payment_lnbits_cannot_make_reports_its_520_detail()
    {
        Fake.BalanceSats = 5;
        var invoice = Fake.Book.IssuePayable(1000);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() => Fake.TimmySettings().With().UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.Equal("LNbits could not pay an invoice: Insufficient balance.", error.Message);
    }

    [Fact]
    public async Task An_invoice_lnbits_marks_failed_is_expired()
    {
        var created = await Fake.TimmySettings().With().UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));
        Fake.Book.Find(created.PaymentHash)!.Cancelled = true;

        var status = await Fake.TimmySettings().With().UseBackendAsync(b => b.GetInvoiceStatusAsync(created.PaymentHash, default));

        Assert.Equal(InvoiceSettlement.Expired, status?.Settlement);
    }

    [Fact]
    public async Task Invoices_are_created_incoming_with_the_amount_memo_and_expiry()
    {
        var created = await Fake.TimmySettings().With().UseBackendAsync(b => b.CreateInvoiceAsync(new InvoiceRequest(77, "Timmy eval fee", TimeSpan.FromMinutes(10)), default));

        var stored = Fake.Book.Find(created.PaymentHash)!;
        Assert.Equal((77, "Timmy eval fee", 600), (stored.AmountSats, stored.Memo, stored.ExpirySeconds));
        Assert.Equal(stored.PaymentRequest, created.PaymentRequest);
    }

    [Theory]
    [InlineData("http://host:5000", "ws://host:5000/api/v1/ws/key")]
    [InlineData("https://host/lnbits/", "wss://host/lnbits/api/v1/ws/key")]
    [InlineData("https://host/lnbits", "wss://host/lnbits/api/v1/ws/key")]
    public void The_websocket_address_follows_the_rest_address(string url, string expected) =>
        Assert.Equal(expected, LnbitsInvoiceListener.WebSocketUri(new LnbitsOptions { Url = url, ApiKey = "key" }).ToString());

    [Fact]
    public void Lnbits_without_an_invoice_key_refuses_to_start()
    {
        using var factory = new TimmyFactory { Settings = Fake.TimmySettings().With(("Lightning:Lnbits:ApiKey", "")) };

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Lightning:Lnbits:ApiKey (LNBITS_API_KEY)", error.ToString());
    }
}
