using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Payments.Stub;

/// <summary>
/// An embedded Lightning "node" for development and tests: it issues invoices in the seed's format (or BOLT11 signed
/// by <see cref="StubNodeKey"/> when asked),
/// keeps its book in the database, and settles an invoice only when told to (the dev pay endpoint).
/// One for the process, holding no DbContext of its own: its invoices are kept through <see cref="StubNodeBook"/>
/// (the fast path), so thousands of jobs asking it at once (payments, status checks, work invoices) cost little. Only outgoing payments, which are rare, take a context of their own.
/// It is also its own settlement feed (<see cref="IInvoiceListener"/>): the watcher listens to it as it would to
/// LNbits' WebSocket.
/// </summary>
public sealed class StubPaymentBackend(
    IServiceScopeFactory scopes, StubNodeBook book, TimeProvider clock) : IPaymentBackend, IInvoiceListener
{
    /// <summary>
    /// Unbounded, as a node's feed keeps up with its own payments: a burst of simulated payments is announced in full,
    /// not left to the watcher's slow safety poll.
    /// </summary>
    private readonly Channel<string> _settled = Channel.CreateUnbounded<string>();

    public string Name => "stub";

    public bool IsSimulated => true;

    public async Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        var (preimage, hash) = PaymentHash.NewPreimage();
        var now = clock.GetUtcNow();
        var invoice = new StubInvoice
        {
            PaymentHash = hash,
            Preimage = preimage,
            // The seed's stub format (amount, then the first 16 hex of the hash), or real regtest BOLT11 when asked.
            PaymentRequest = request.Bolt11
                ? StubNodeKey.Sign(request, hash, now)
                : $"lnbcrt{request.AmountSats}u1stub_{hash[..16]}",
            AmountSats = request.AmountSats,
            Memo = request.Memo,
            CreatedAt = now,
            ExpiresAt = now + request.Expiry,
        };
        await book.AddAsync(invoice, cancellationToken);
        return new CreatedInvoice(invoice.PaymentHash, invoice.PaymentRequest, invoice.ExpiresAt);
    }

    public async Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var invoice = await book.FindAsync(paymentHash, cancellationToken);
        if (invoice is null)
        {
            return null;
        }

        if (invoice.SettledAt is { } settledAt)
        {
            return new InvoiceStatus(InvoiceSettlement.Paid, settledAt);
        }

        return new InvoiceStatus(
            clock.GetUtcNow() >= invoice.ExpiresAt ? InvoiceSettlement.Expired : InvoiceSettlement.Pending,
            null);
    }

    /// <summary>Settles an invoice as if a wallet had paid it. Idempotent; false for an unknown hash.</summary>
    public async Task<bool> SimulatePaymentAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var settled = await book.TrySettleAsync(paymentHash, clock.GetUtcNow(), cancellationToken);
        if (settled)
        {
            _settled.Writer.TryWrite(paymentHash);
        }

        return settled || await book.FindAsync(paymentHash, cancellationToken) is not null;
    }

    /// <summary>The preimage of an invoice this node issued, as the payer learns it; null for an unknown hash.</summary>
    public async Task<string?> PreimageOfAsync(string paymentHash, CancellationToken cancellationToken) =>
        (await book.FindAsync(paymentHash, cancellationToken))?.Preimage;

    public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken) =>
        PayAsync(paymentRequest, null, cancellationToken);

    public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, long amountSats, CancellationToken cancellationToken) =>
        PayAsync(paymentRequest, amountSats, cancellationToken);

    private async Task<OutgoingPayment> PayAsync(string paymentRequest, long? amountSats, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        // The stub can pay the invoices it issued itself (handy for refunds in development); for any
        // other invoice it needs a decoder.
        var own = await db.StubInvoices.AsNoTracking()
            .FirstOrDefaultAsync(i => i.PaymentRequest == paymentRequest, cancellationToken);
        var decoded = own is not null ? (own.PaymentHash, own.AmountSats) : StubInvoiceDecoder.Decode(paymentRequest, amountSats);
        var (preimage, _) = PaymentHash.NewPreimage();
        var payment = new StubPayment
        {
            PaymentHash = decoded.PaymentHash,
            PaymentRequest = paymentRequest,
            AmountSats = decoded.AmountSats,
            Preimage = preimage,
            SentAt = clock.GetUtcNow(),
        };
        db.StubPayments.Add(payment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolationOn(StubPayment.Table))
        {
            throw new PaymentBackendException("This invoice has already been paid", ex);
        }

        return new OutgoingPayment(payment.PaymentHash, payment.AmountSats, payment.Preimage);
    }

    public async Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TimmyDbContext>().StubPayments.AnyAsync(p => p.PaymentHash == paymentHash, cancellationToken)
            ? new OutgoingPaymentStatus(OutgoingPaymentState.Succeeded)
            : null;
    }

    public async IAsyncEnumerable<string> ListenAsync(Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        connected();
        await foreach (var hash in _settled.Reader.ReadAllAsync(cancellationToken))
        {
            yield return hash;
        }
    }

}
