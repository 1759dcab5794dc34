using Timmy.Api.Payments;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>LND specifics: macaroon files, the pinned certificate, fee limits and failed payments.</summary>
public sealed class LndBackendTests : IAsyncLifetime
{
    private readonly FakeLnd _node = new();

    public Task InitializeAsync() => _node.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task The_macaroon_may_be_given_as_the_path_of_its_file()
    {
        var settings = _node.TimmySettings().With(("Lightning:Lnd:Macaroon", _node.WriteMacaroonFile()));

        var created = await settings.UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));

        Assert.NotNull(_node.Book.Find(created.PaymentHash));
    }

    [Fact]
    public async Task A_wrong_macaroon_is_reported_in_lnds_words()
    {
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            _node.TimmySettings().With(("Lightning:Lnd:Macaroon", "abcd"), ("Lightning:MaxRetries", "0")).UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default)));

        Assert.Contains("verification failed", error.Message);
    }

    [Fact]
    public async Task A_node_presenting_another_certificate_than_the_pinned_one_is_refused()
    {
        await using var impostor = new FakeLnd();
        await impostor.StartAsync();
        impostor.TimmySettings(); // writes the impostor's tls.cert

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            _node.TimmySettings().With(("Lightning:Lnd:TlsCertPath", impostor.TlsCertPath)).UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default)));

        Assert.StartsWith("LND is unreachable", error.Message);
        Assert.Equal(0, _node.Requests);
    }

    [Fact]
    public async Task A_payment_without_a_route_fails_with_lnds_reason_and_the_fee_limit_is_sent()
    {
        _node.NoRoute = true;
        var invoice = _node.Book.IssuePayable(100);

        var error = await Assert.ThrowsAsync<PaymentBackendException>(() =>
            _node.TimmySettings().With(("Lightning:Lnd:FeeLimitSats", "3")).UseBackendAsync(b => b.PayInvoiceAsync(invoice.PaymentRequest, default)));

        Assert.Equal("LND could not pay the invoice: FAILURE_REASON_NO_ROUTE", error.Message);
        Assert.Equal("3", _node.LastFeeLimitSat);
    }

    [Fact]
    public async Task A_settle_date_from_lnd_becomes_the_paid_time()
    {
        var created = await _node.TimmySettings().With().UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), default));
        _node.Settle(created.PaymentHash);

        var status = await _node.TimmySettings().With().UseBackendAsync(b => b.GetInvoiceStatusAsync(created.PaymentHash, default));

        Assert.Equal(_node.Book.Find(created.PaymentHash)!.SettledAt!.Value.ToUnixTimeSeconds(), status?.PaidAt?.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_macaroon_that_is_neither_hex_nor_a_file_refuses_to_start()
    {
        using var factory = new TimmyFactory { Settings = _node.TimmySettings().With(("Lightning:Lnd:Macaroon", "/no/such/admin.macaroon")) };

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("neither hex nor an existing file", error.ToString());
    }
}
