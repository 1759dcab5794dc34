using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>The stub node answers many status checks at once with shared queries, each with its own invoice's answer.</summary>
public sealed class StubBackendTests : IDisposable
{
    private readonly SqlLog _sql = new();
    private readonly TimmyFactory _factory;

    public StubBackendTests() => _factory = new TimmyFactory { TestServices = _sql.InstallIn };

    [Fact]
    public async Task Concurrent_status_checks_share_queries_and_each_gets_its_own_answer()
    {
        var stub = _factory.Services.GetRequiredService<StubPaymentBackend>();
        var invoices = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            invoices.Add((await stub.CreateInvoiceAsync(new InvoiceRequest(10 + i, $"take {i}", TimeSpan.FromHours(1)), CancellationToken.None)).PaymentHash);
        }

        var paid = invoices.Where((_, i) => i % 3 == 0).ToHashSet();
        foreach (var hash in paid)
        {
            Assert.True(await stub.SimulatePaymentAsync(hash, CancellationToken.None));
        }

        var unknown = new string('f', 64);
        var asked = invoices.SelectMany(hash => Enumerable.Repeat(hash, 5)).Append(unknown).ToList();
        _sql.Clear();

        var answers = await Task.WhenAll(asked.Select(hash => Task.Run(() => stub.GetInvoiceStatusAsync(hash, CancellationToken.None))));

        for (var i = 0; i < asked.Count - 1; i++)
        {
            var expected = paid.Contains(asked[i]) ? InvoiceSettlement.Paid : InvoiceSettlement.Pending;
            Assert.Equal(expected, answers[i]!.Settlement);
        }

        Assert.Null(answers[^1]);
        Assert.InRange(_sql.Queries.Count(sql => sql.Contains("stub_invoices", StringComparison.Ordinal)), 1, asked.Count / 4);
    }

    public void Dispose() => _factory.Dispose();
}

/// <summary>Asked for BOLT11 (402 challenges), the stub issues real regtest invoices signed by its node key.</summary>
public sealed class StubBolt11Tests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_bolt11_invoice_decodes_with_the_amount_hash_memo_and_the_stub_node_as_payee()
    {
        var stub = _factory.Services.GetRequiredService<StubPaymentBackend>();
        var created = await stub.CreateInvoiceAsync(new InvoiceRequest(1234, "Timmy balance", TimeSpan.FromMinutes(10), Bolt11: true), CancellationToken.None);

        var invoice = Timmy.Lightning.Bolt11Invoice.Decode(created.PaymentRequest);
        Assert.Equal(Timmy.Lightning.BitcoinNetwork.Regtest, invoice.Network);
        Assert.Equal(1_234_000, invoice.AmountMsat);
        Assert.Equal(created.PaymentHash, invoice.PaymentHashHex);
        Assert.Equal("Timmy balance", invoice.Description);
        Assert.Equal(StubNodeKey.NodeIdHex, invoice.PayeeNodeIdHex);
    }

    public void Dispose() => _factory.Dispose();
}
