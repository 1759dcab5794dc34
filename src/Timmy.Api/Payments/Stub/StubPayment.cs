namespace Timmy.Api.Payments.Stub;

/// <summary>An outgoing payment (a refund) that the stub node "sent".</summary>
public sealed class StubPayment
{
    public const string Table = "stub_payments";

    public required string PaymentHash { get; init; }

    public required string PaymentRequest { get; init; }

    public long AmountSats { get; init; }

    public required string Preimage { get; init; }

    public DateTimeOffset SentAt { get; init; }
}
