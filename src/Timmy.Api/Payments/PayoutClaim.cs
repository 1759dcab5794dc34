using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Payments;

public enum PayoutPurpose
{
    Refund,
    Withdrawal,
}

/// <summary>How an attempt to start a payout ended (see <see cref="PayoutClaims.StartAsync"/>).</summary>
public enum PayoutStart
{
    Started,

    /// <summary>The conditional move that starts it lost: the refund or balance had moved meanwhile.</summary>
    Lost,

    /// <summary>Another payout holds the invoice.</summary>
    InvoiceInUse,
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
    public const string Table = "payout_claims";

    public const string InvoiceInUse = "This invoice is already being used for another payout; send a fresh invoice";

    /// <summary>
    /// Starts a payout: runs <paramref name="moveAsync"/> (the conditional update that starts it, with any rows it adds
    /// to <paramref name="db"/>, saying whether it won) and takes the invoice's claim, in one transaction: all or nothing.
    /// </summary>
    public static async Task<PayoutStart> StartAsync(
        TimmyDbContext db, string paymentHash, PayoutPurpose purpose, Guid payoutOf, DateTimeOffset now, Func<Task<bool>> moveAsync,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await moveAsync())
            {
                return PayoutStart.Lost;
            }

            Take(db, paymentHash, purpose, payoutOf, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return PayoutStart.Started;
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolationOn(Table))
        {
            // Rolled back: nothing moved, and another payout holds the invoice.
            return PayoutStart.InvoiceInUse;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

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
