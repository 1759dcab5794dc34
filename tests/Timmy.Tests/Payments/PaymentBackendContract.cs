using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// What every payment backend owes Timmy, run against each one as the app registers it (options, HTTP
/// client, resilience): the stub, and the real LNbits and LND clients against their fakes.
/// </summary>
public abstract class PaymentBackendContract : IAsyncLifetime
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    protected TimmyFactory Factory { get; private set; } = null!;

    /// <summary>Starts the node (or nothing, for the stub) and returns Timmy's settings for it.</summary>
    protected abstract Task<Dictionary<string, string?>> StartNodeAsync();

    /// <summary>Pays the invoice at the node, as a customer's wallet would.</summary>
    protected abstract Task SettleAsync(string paymentHash);

    /// <summary>An invoice that the node's wallet can pay (for refunds).</summary>
    protected abstract Task<(string PaymentRequest, string PaymentHash)> IssuePayableInvoiceAsync(long amountSats);

    /// <summary>Waits until the node sees a listener connected, so a settlement cannot slip past it.</summary>
    protected virtual Task ListenerConnectedAsync() => Task.CompletedTask;

    protected virtual ValueTask StopNodeAsync() => ValueTask.CompletedTask;

    public async Task InitializeAsync()
    {
        var settings = await StartNodeAsync();
        // These tests drive the listener themselves.
        settings["Lightning:WatchInvoices"] = "false";
        Factory = new TimmyFactory { Settings = settings };
    }

    public async Task DisposeAsync()
    {
        Factory.Dispose();
        await StopNodeAsync();
    }

    [Fact]
    public async Task A_new_invoice_is_pending_until_it_is_settled_and_then_paid()
    {
        var created = await WithBackendAsync(b => b.CreateInvoiceAsync(new InvoiceRequest(21, "contract", Expiry), CancellationToken.None));
        Assert.True(PaymentHash.IsValid(created.PaymentHash));
        Assert.False(string.IsNullOrEmpty(created.PaymentRequest));
        Assert.True(created.ExpiresAt > DateTimeOffset.UtcNow);

        var before = await StatusAsync(created.PaymentHash);
        await SettleAsync(created.PaymentHash);
        var after = await StatusAsync(created.PaymentHash);

        Assert.Equal(InvoiceSettlement.Pending, before?.Settlement);
        Assert.Equal(InvoiceSettlement.Paid, after?.Settlement);
    }

    [Fact]
    public async Task An_unknown_payment_hash_has_no_status()
    {
        var (_, unknown) = PaymentHash.NewPreimage();

        Assert.Null(await StatusAsync(unknown));
    }

    [Fact]
    public async Task Paying_an_invoice_reports_its_payment_hash_and_amount()
    {
        var (paymentRequest, paymentHash) = await IssuePayableInvoiceAsync(42);

        var payment = await WithBackendAsync(b => b.PayInvoiceAsync(paymentRequest, CancellationToken.None));

        Assert.Equal(paymentHash, payment.PaymentHash);
        Assert.Equal(42, payment.AmountSats);
    }

    [Fact]
    public async Task A_payment_made_is_found_succeeded()
    {
        var (paymentRequest, paymentHash) = await IssuePayableInvoiceAsync(21);
        await WithBackendAsync(b => b.PayInvoiceAsync(paymentRequest, CancellationToken.None));

        var status = await WithBackendAsync(b => b.GetOutgoingPaymentAsync(paymentHash, CancellationToken.None));

        Assert.Equal(OutgoingPaymentState.Succeeded, status?.State);
    }

    [Fact]
    public async Task A_payment_never_asked_for_is_unknown_to_the_node()
    {
        var (_, paymentHash) = await IssuePayableInvoiceAsync(21);

        Assert.Null(await WithBackendAsync(b => b.GetOutgoingPaymentAsync(paymentHash, CancellationToken.None)));
    }

    [Fact]
    public async Task The_listener_reports_a_settled_invoice()
    {
        var created = await WithBackendAsync(b => b.CreateInvoiceAsync(new InvoiceRequest(5, "listen", Expiry), CancellationToken.None));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var listener = Factory.Services.GetRequiredService<IInvoiceListener>();
        var firstSettled = FirstAsync(listener.ListenAsync(() => { }, stop.Token));

        await ListenerConnectedAsync();
        await SettleAsync(created.PaymentHash);

        Assert.Equal(created.PaymentHash, await firstSettled);
    }

    protected async Task<T> WithBackendAsync<T>(Func<IPaymentBackend, Task<T>> use)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<IPaymentBackend>());
    }

    private Task<InvoiceStatus?> StatusAsync(string paymentHash) =>
        WithBackendAsync(b => b.GetInvoiceStatusAsync(paymentHash, CancellationToken.None));

    private static async Task<string> FirstAsync(IAsyncEnumerable<string> hashes)
    {
        await foreach (var hash in hashes)
        {
            return hash;
        }

        throw new InvalidOperationException("The listener ended without reporting a payment");
    }
}
