using System.Text.Json.Serialization;
using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

public sealed record SessionInvoiceInfo(string PaymentRequest, long AmountSats, string? PaymentHash)
{
    public static SessionInvoiceInfo From(Invoice invoice, bool showPaymentHash) =>
        new(invoice.PaymentRequest, invoice.AmountSats, showPaymentHash ? invoice.PaymentHash : null);
}

/// <summary>The deposit or top-up body. Read by hand (see SessionsApi); the record documents it.</summary>
public sealed record CreateSessionRequest([property: JsonPropertyName("amount_sats")] long AmountSats);

/// <summary>The body of a session request. Read by hand (see SessionsApi); the record documents it.</summary>
public sealed record SessionRequestBody(string Request);

public sealed record CreateSessionResponse(string SessionId, SessionState State, SessionInvoiceInfo Invoice);

public sealed record SessionStatusResponse(
    string SessionId,
    SessionState State,
    long BalanceSats,
    long MinimumBalanceSats,
    string? Macaroon,
    DateTime ExpiresAt,
    SessionInvoiceInfo? Invoice,
    SessionInvoiceInfo? PendingTopup);

public sealed record SessionCostBreakdown(long EvalSats, long WorkSats, long TotalSats, decimal BtcPriceUsd);

/// <summary>How a session request ended, as clients see it (a request still running is never answered).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionRequestState>))]
public enum SessionRequestState
{
    [JsonStringEnumMemberName("complete")] Complete,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("failed")] Failed,
}

public sealed record SessionRequestResponse(
    string RequestId,
    SessionRequestState State,
    string? Result,
    string? Reason,
    string? ErrorMessage,
    long DebitedSats,
    long BalanceRemaining,
    SessionCostBreakdown Cost);

public sealed record TopupSessionResponse(string SessionId, SessionInvoiceInfo Topup);

/// <summary>A withdrawal's answer: <see cref="Ok"/> once paid; false while the node has not confirmed it.</summary>
public sealed record SessionWithdrawalResponse(bool Ok, long AmountSats, string PaymentHash, string Message);

/// <summary>A session's withdrawals, newest first: "paying" until the node confirms (then "paid") or it fails ("reversed": the sats went back).</summary>
public sealed record SessionWithdrawalsResponse(IReadOnlyList<SessionWithdrawalInfo> Withdrawals);

public sealed record SessionWithdrawalInfo(long AmountSats, string PaymentHash, SessionWithdrawalState State, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt);
