using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

public sealed class StubBackendContractTests : PaymentBackendContract
{
    protected override Task<Dictionary<string, string?>> StartNodeAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Lightning:Backend"] = "stub" });

    protected override async Task SettleAsync(string paymentHash)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<StubPaymentBackend>().SimulatePaymentAsync(paymentHash, CancellationToken.None));
    }

    /// <summary>The stub can pay only invoices it issued itself.</summary>
    protected override async Task<(string PaymentRequest, string PaymentHash)> IssuePayableInvoiceAsync(long amountSats)
    {
        var created = await WithBackendAsync(b => b.CreateInvoiceAsync(new InvoiceRequest(amountSats, "refund", TimeSpan.FromHours(1)), CancellationToken.None));
        return (created.PaymentRequest, created.PaymentHash);
    }
}

public class LnbitsBackendContractTests : PaymentBackendContract
{
    protected FakeLnbits Node { get; } = new();

    protected override async Task<Dictionary<string, string?>> StartNodeAsync()
    {
        await Node.StartAsync();
        return Node.TimmySettings();
    }

    protected override Task SettleAsync(string paymentHash) => Node.SettleAsync(paymentHash);

    protected override Task<(string PaymentRequest, string PaymentHash)> IssuePayableInvoiceAsync(long amountSats)
    {
        var invoice = Node.Book.IssuePayable(amountSats);
        return Task.FromResult((invoice.PaymentRequest, invoice.HashHex));
    }

    protected override Task ListenerConnectedAsync() => Eventually.IsTrueAsync(() => Node.WebSocketSubscribers > 0);

    protected override ValueTask StopNodeAsync() => Node.DisposeAsync();
}

/// <summary>The same contract against LNbits v0.12, which answers a create with only four fields.</summary>
public sealed class LnbitsV012BackendContractTests : LnbitsBackendContractTests
{
    public LnbitsV012BackendContractTests() => Node.SpeaksV012 = true;
}

public sealed class LndBackendContractTests : PaymentBackendContract
{
    private readonly FakeLnd _node = new();

    protected override async Task<Dictionary<string, string?>> StartNodeAsync()
    {
        await _node.StartAsync();
        return _node.TimmySettings();
    }

    protected override Task SettleAsync(string paymentHash)
    {
        _node.Settle(paymentHash);
        return Task.CompletedTask;
    }

    protected override Task<(string PaymentRequest, string PaymentHash)> IssuePayableInvoiceAsync(long amountSats)
    {
        var invoice = _node.Book.IssuePayable(amountSats);
        return Task.FromResult((invoice.PaymentRequest, invoice.HashHex));
    }

    protected override Task ListenerConnectedAsync() => Eventually.IsTrueAsync(() => _node.Subscribers > 0);

    protected override ValueTask StopNodeAsync() => _node.DisposeAsync();
}
