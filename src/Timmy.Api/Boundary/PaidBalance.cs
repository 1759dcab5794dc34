using Timmy.Api.Credentials;

namespace Timmy.Api.Boundary;

public enum CredentialKind
{
    /// <summary><c>L402 &lt;macaroon&gt;:&lt;preimage&gt;</c> (or LSAT, or the same as a Bearer token).</summary>
    L402,

    /// <summary><c>Payment &lt;credential&gt;</c> of a Lightning charge, or of a Lightning session (open, bearer, topUp, close).</summary>
    Payment,

    /// <summary>The session's bearer macaroon alone: it spends, but proves no payment, so it cannot withdraw.</summary>
    SessionBearer,
}

/// <summary>
/// What a verified credential proved: the balance it is the key to (a session), how it proved it, and the payment hash
/// its receipts name. L402's token id, a Payment charge's payment hash, a Payment session's id and a bearer macaroon all
/// lead to a session id. <see cref="Closes"/>: a Payment session's <c>close</c>, answered by the boundary, not the route.
/// </summary>
public sealed record PaidBalance(Guid SessionId, CredentialKind Kind, string PaymentHash, string? ChallengeId = null, bool Closes = false)
{
    /// <summary>Money out needs proof of payment: the preimage of an invoice that funded this balance.</summary>
    public bool CanWithdraw => Kind != CredentialKind.SessionBearer;
}

public static class PaidBalances
{
    /// <summary>The balance a paid surface runs on; null only when chat is free (<c>Chat:Free</c>).</summary>
    public static PaidBalance? PaidBalanceOrNull(this HttpContext http) =>
        http.Items.TryGetValue(typeof(PaidBalance), out var value) ? value as PaidBalance : null;

    public static void AttachBalance(this HttpContext http, PaidBalance balance) => http.AttachPrincipal(balance);
}
