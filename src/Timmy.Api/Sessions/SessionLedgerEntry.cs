namespace Timmy.Api.Sessions;

public enum LedgerEntryKind
{
    Deposit,
    Topup,
    EvalDebit,
    WorkDebit,
}

/// <summary>One credit (positive) or debit (negative) of a session's balance, in sats.</summary>
public sealed class SessionLedgerEntry
{
    public long Id { get; init; }

    public Guid SessionId { get; init; }

    public LedgerEntryKind Kind { get; init; }

    public long AmountSats { get; init; }

    /// <summary>The request a debit paid for, or the invoice a credit came from.</summary>
    public Guid? RequestId { get; init; }

    public Guid? InvoiceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
