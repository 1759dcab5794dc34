namespace Timmy.Api.Sessions;

public enum LedgerEntryKind
{
    Deposit,
    Topup,
    EvalDebit,
    WorkDebit,

    /// <summary>The balance paid out to the client's invoice.</summary>
    Withdrawal,

    /// <summary>A withdrawal whose payment failed, credited back.</summary>
    WithdrawalReversed,

    /// <summary>A metered call on a paid surface (a chat message, an image): its real cost.</summary>
    UsageDebit,
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

    /// <summary>The withdrawal a <see cref="LedgerEntryKind.Withdrawal"/> or its reversal belongs to.</summary>
    public Guid? WithdrawalId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
