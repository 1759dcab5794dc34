using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Dev;

public sealed class DevPaymentsTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Paying_a_stub_invoice_answers_ok_with_the_hash_and_preimage_and_settles_it()
    {
        var client = _factory.CreateClient();
        var hash = (await client.CreateJobAsync("What is a satoshi?")).Str("evalInvoice", "paymentHash");

        var response = await client.PostAsync($"/api/dev/stub/pay/{hash}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settled = await _factory.WithDbAsync(db => db.StubInvoices.SingleAsync(i => i.PaymentHash == hash));
        Assert.Equal($$"""{"ok":true,"paymentHash":"{{hash}}","preimage":"{{settled.Preimage}}"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(hash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromHexString(settled.Preimage))));
        Assert.NotNull(settled.SettledAt);
    }

    [Fact]
    public async Task Paying_twice_is_harmless_and_keeps_the_first_settlement_time()
    {
        var client = _factory.CreateClient();
        var hash = (await client.CreateJobAsync("What is a satoshi?")).Str("evalInvoice", "paymentHash");
        await client.PayAsync(hash);
        var first = await _factory.WithDbAsync(db => db.StubInvoices.SingleAsync(i => i.PaymentHash == hash));

        await client.PayAsync(hash.ToUpperInvariant());

        var second = await _factory.WithDbAsync(db => db.StubInvoices.SingleAsync(i => i.PaymentHash == hash));
        Assert.Equal(first.SettledAt, second.SettledAt);
    }

    [Fact]
    public async Task An_unknown_hash_is_a_json_404()
    {
        var response = await _factory.CreateClient().PostAsync($"/api/dev/stub/pay/{new string('a', 64)}", null);

        Assert.Equal("Invoice not found", await response.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task A_malformed_hash_is_a_json_400(string hash)
    {
        var response = await _factory.CreateClient().PostAsync($"/api/dev/stub/pay/{hash}", null);

        Assert.Contains("64-character hex", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task In_production_the_dev_endpoint_does_not_exist()
    {
        using var production = new TimmyFactory
        {
            EnvironmentName = "Production",
            Settings = { ["Lightning:AllowStubInProduction"] = "true", ["Agent:AllowOfflineInProduction"] = "true" },
        };
        var client = production.CreateClient();
        var hash = (await client.CreateJobAsync("What is a satoshi?")).Str("evalInvoice", "paymentHash");

        var response = await client.PostAsync($"/api/dev/stub/pay/{hash}", null);

        await response.AssertErrorAsync(HttpStatusCode.NotFound);
        var invoice = await production.WithDbAsync(db => db.StubInvoices.SingleAsync());
        Assert.Null(invoice.SettledAt);
    }

    [Fact]
    public void In_production_the_stub_backend_is_refused_unless_explicitly_allowed()
    {
        using var production = new TimmyFactory { EnvironmentName = "Production" };

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("stub Lightning backend is active in Production", error.ToString());
    }

    public void Dispose() => _factory.Dispose();
}
