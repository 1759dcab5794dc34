namespace Timmy.Api.Payments;

/// <summary>
/// The narrow view of a Lightning node that Timmy needs (after BTCPay's ILightningClient, trimmed).
/// Implementations: the embedded stub (Stub/), LNbits (Lnbits/) and LND (Lnd/).
/// Transport or node failures surface as <see cref="PaymentBackendException"/>.
/// </summary>
public interface IPaymentBackend
{
    /// <summary>Short name for logs and configuration, e.g. "stub".</summary>
    string Name { get; }

    /// <summary>True when payments are simulated and payment hashes may be shown to clients.</summary>
    bool IsSimulated { get; }

    Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken);

    /// <summary>Looks up an invoice this node issued; null when the node does not know the hash.</summary>
    Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken);

    /// <summary>
    /// Pays a BOLT11 invoice (used for refunds). Throws <see cref="PaymentOutcomeUnknownException"/> when the node
    /// may still complete the payment (it said pending, or the call broke after the request may have reached it),
    /// and a plain <see cref="PaymentBackendException"/> only when the payment certainly did not and will not happen.
    /// </summary>
    Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken);

    /// <summary>
    /// Pays <paramref name="amountSats"/> to an invoice that carries no amount (a Payment session's return invoice), with
    /// the same outcomes as <see cref="PayInvoiceAsync(string, CancellationToken)"/>. A node that cannot certainly did not pay.
    /// </summary>
    Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, long amountSats, CancellationToken cancellationToken) =>
        throw new PaymentBackendException($"The {Name} node does not pay invoices without an amount");

    /// <summary>What became of a payment this node was asked to make; null when the node has no payment with this hash.</summary>
    Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken);
}

/// <param name="Bolt11">
/// The invoice must be real BOLT11 that standard clients decode (402 challenges). Real nodes always issue BOLT11; only
/// the stub, which keeps the seed's short <c>lnbcrt…stub_…</c> form for the job and session routes, needs telling.
/// </param>
public sealed record InvoiceRequest(long AmountSats, string Memo, TimeSpan Expiry, bool Bolt11 = false);

public sealed record CreatedInvoice(string PaymentHash, string PaymentRequest, DateTimeOffset ExpiresAt);

public enum InvoiceSettlement
{
    Pending,
    Paid,
    Expired,
}

public sealed record InvoiceStatus(InvoiceSettlement Settlement, DateTimeOffset? PaidAt)
{
    public bool IsPaid => Settlement == InvoiceSettlement.Paid;
}

public sealed record OutgoingPayment(string PaymentHash, long AmountSats, string Preimage);

public enum OutgoingPaymentState
{
    InFlight,
    Succeeded,
    Failed,
}

public sealed record OutgoingPaymentStatus(OutgoingPaymentState State);

/// <summary>The Lightning backend could not do what was asked: down, refused, or answered nonsense.</summary>
public class PaymentBackendException(string message, Exception? innerException = null)
    : Exception(message, innerException);

/// <summary>
/// A payment whose fate the node has not told: it may still succeed, so paying again could pay twice. Ask the
/// node later (<see cref="IPaymentBackend.GetOutgoingPaymentAsync"/>) instead.
/// </summary>
public sealed class PaymentOutcomeUnknownException(string message, Exception? innerException = null)
    : PaymentBackendException(message, innerException);
