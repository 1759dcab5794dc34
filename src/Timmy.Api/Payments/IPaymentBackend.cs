namespace Timmy.Api.Payments;

/// <summary>
/// The narrow view of a Lightning node that Timmy needs (after BTCPay's ILightningClient, trimmed).
/// Implementations: the embedded stub; LNbits and LND come later behind the same interface.
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

    /// <summary>Pays a BOLT11 invoice (used for refunds).</summary>
    Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken);
}

public sealed record InvoiceRequest(long AmountSats, string Memo, TimeSpan Expiry);

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

/// <summary>The Lightning backend could not do what was asked: down, refused, or answered nonsense.</summary>
public sealed class PaymentBackendException(string message, Exception? innerException = null)
    : Exception(message, innerException);
