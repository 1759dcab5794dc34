using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Payments;

public enum PayoutPurpose
{
    Refund,
    Withdrawal,
}

/// <summary>
/// An invoice of a client's that Timmy has taken on to pay: its payment hash is the key, so however payouts race
/// (two refunds, a refund and a withdrawal, on any instance), one invoice is paid by at most one of them. A node
/// asked to pay an invoice twice refuses the second as "already paid", and its record of the first payment would
/// then settle the second payout as paid though nothing was sent for it. The claim is taken in the same
/// transaction that starts the payout, kept once paid or while the outcome is unknown, and let go with the payout
/// when the payment certainly failed, so the client may use the invoice again.
/// </summary>
public sealed class PayoutClaim
{
    public required string PaymentHash { get; init; }

    public PayoutPurpose Purpose { get; init; }

    /// <summary>The refunded job, or the withdrawal.</summary>
    public Guid PayoutOf { get; init; }

    public DateTimeOffset ClaimedAt { get; init; }
}

/// <summary>Taking and letting go of <see cref="PayoutClaim"/>s, inside the transaction that starts or ends a payout.</summary>
public static class PayoutClaims
{
    public const string InvoiceInUse = "This invoice is already being used for another payout; send a fresh invoice";

    /// <summary>Adds the claim to <paramref name="db"/>'s pending changes: it is taken by the SaveChanges that starts the payout.</summary>
    public static void Take(TimmyDbContext db, string paymentHash, PayoutPurpose purpose, Guid payoutOf, DateTimeOffset now) =>
        db.PayoutClaims.Add(new PayoutClaim { PaymentHash = paymentHash, Purpose = purpose, PayoutOf = payoutOf, ClaimedAt = now });

    /// <summary>
    /// Lets the invoice be used again, once the payment of <paramref name="payoutOf"/> certainly failed. Only that
    /// payout's own claim: another may hold the invoice (a payout started before claims existed never took one).
    /// </summary>
    public static Task LetGoAsync(TimmyDbContext db, string paymentHash, Guid payoutOf, CancellationToken cancellationToken) =>
        db.PayoutClaims.Where(c => c.PaymentHash == paymentHash && c.PayoutOf == payoutOf).ExecuteDeleteAsync(cancellationToken);
}
