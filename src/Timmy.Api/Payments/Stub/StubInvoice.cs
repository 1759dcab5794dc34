namespace Timmy.Api.Payments.Stub;

/// <summary>
/// The stub Lightning node's own book of invoices. It is separate from <see cref="Invoice"/> on purpose:
/// the stub plays the part of a node, and Timmy learns of payments only by asking it, as with LNbits.
/// Kept in the database so a simulated payment survives a restart.
/// </summary>
public sealed class StubInvoice
{
    public required string PaymentHash { get; init; }

    public required string Preimage { get; init; }

    public required string PaymentRequest { get; init; }

    public long AmountSats { get; init; }

    public required string Memo { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? SettledAt { get; set; }
}
