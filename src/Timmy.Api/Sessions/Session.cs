using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

/// <summary>
/// A pre-funded balance. <see cref="BalanceSats"/> is what may still be spent; sats reserved for requests in
/// flight are held in <see cref="ReservedSats"/> until they settle. Every change to either is a conditional
/// UPDATE, and every credit and debit is a <see cref="SessionLedgerEntry"/>.
/// </summary>
public sealed class Session
{
    public Guid Id { get; init; }

    public SessionState State { get; set; }

    public long BalanceSats { get; set; }

    public long ReservedSats { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The session expires 24 h (configurable) after this: payment, request or top-up.</summary>
    public DateTimeOffset LastActivityAt { get; set; }

    public Guid? PendingTopupInvoiceId { get; set; }

    public List<Invoice> Invoices { get; init; } = [];

    public Invoice? DepositInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.SessionDeposit);

    public Invoice? PendingTopup => Invoices.FirstOrDefault(i => i.Id == PendingTopupInvoiceId);

    /// <summary>
    /// The top-ups that may still turn out paid: the pending one, and any other unpaid one issued after
    /// <paramref name="issuedAfter"/>. A top-up whose invoice lapsed unpaid is replaced by the next top-up request, and
    /// the replaced one still counts if a payment of it is reported late.
    /// </summary>
    public IEnumerable<Invoice> TopupsAwaitingPayment(DateTimeOffset issuedAfter) =>
        Invoices.Where(i => i is { Kind: InvoiceKind.SessionTopup, PaidAt: null } && (i.Id == PendingTopupInvoiceId || i.CreatedAt > issuedAfter));
}
