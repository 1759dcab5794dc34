namespace Timmy.Api.Payments;

public enum InvoiceKind
{
    JobEval,
    JobWork,
    SessionDeposit,
    SessionTopup,
}

/// <summary>An incoming Lightning invoice that Timmy issued, as Timmy records it.</summary>
public sealed class Invoice
{
    public Guid Id { get; init; }

    /// <summary>The full 64-hex payment hash, lower case; unique across all invoices.</summary>
    public required string PaymentHash { get; init; }

    public required string PaymentRequest { get; init; }

    public long AmountSats { get; init; }

    public InvoiceKind Kind { get; init; }

    public Guid? JobId { get; init; }

    public Guid? SessionId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? PaidAt { get; set; }
}
