using Timmy.Api.Payments;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>LND specifics: macaroon files, the pinned certificate, fee limits and failed payments.</summary>
public sealed class LndBackendTests : FakeServerTests<FakeLnd>
{
    [Fact]
    public async Task The_macaroon_may_be_given_as_the_path_of_its_file()
    {
        var settings = Fake.TimmySettings().With(("Lightning:Lnd:Macaroon", Fake.WriteMacaroonFile()));

        var created = await settings.UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));

        Assert.NotNull(Fake.Book.Find(created.PaymentHash));
    }

    [Fact]
    public async Task A_wrong_macaroon_is_reported_in_lnds_words()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnd:Macaroon", "abcd"), ("Lightning:MaxRetries", "0")).UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default)));

        Assert.Contains("verification failed", error.Message);
    }

    [Fact]
    public async Task A_node_presenting_another_certificate_than_the_pinned_one_is_refused()
    {
        await using var impostor = new FakeLnd();
        await impostor.StartAsync();
        impostor.TimmySettings(); // writes the impostor's tls.cert

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnd:TlsCertPath", impostor.TlsCertPath)).UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default)));

        Assert.StartsWith("LND is unreachable", error.Message);
        Assert.Equal(0, Fake.Requests);
    }

    [Fact]
    public async Task A_payment_without_a_route_fails_with_lnds_reason_and_the_fee_limit_is_sent()
    {
        Fake.NoRoute = true;
        var invoice = Fake.Book.IssuePayable(100);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            Fake.TimmySettings().With(("Lightning:Lnd:FeeLimitSats", "3")).UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.Equal("LND could not pay the invoice: FAILURE_REASON_NO_ROUTE", error.Message);
        Assert.Equal("3", Fake.LastFeeLimitSat);
    }

    [Fact]
    public async Task An_amount_is_sent_only_when_paying_an_invoice_that_carries_none()
    {
        var settings = Fake.TimmySettings().With();

        await settings.UseBackendAsync(b => b.PayInvoiceAsync(Fake.Book.IssuePayable(100).PaymentRequest, 950, default));
        Assert.Equal("950", Fake.LastAmt);
        await settings.UseBackendAsync(b => b.PayInvoiceAsync(Fake.Book.IssuePayable(100).PaymentRequest, default));
        Assert.Null(Fake.LastAmt);
    }

    [Fact]
    public async Task A_settle_date_from_lnd_becomes_the_paid_time()
    {
        var created = await Fake.TimmySettings().With().UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));
        Fake.Settle(created.PaymentHash);

        var status = await Fake.TimmySettings().With().UseBackendAsync(b => b.GetInvoiceStatusAsync(created.PaymentHash, default));

        Assert.Equal(Fake.Book.Find(created.PaymentHash)!.SettledAt!.Value.ToUnixTimeSeconds(), status?.PaidAt?.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_macaroon_that_is_neither_hex_nor_a_file_refuses_to_start()
    {
        using var factory = new TimmyFactory { Settings = Fake.TimmySettings().With(("Lightning:Lnd:Macaroon", "/no/such/admin.macaroon")) };

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("neither hex nor an existing file", error.ToString());
    }
}
