using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Observability;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

public enum RefundClaimStatus
{
    Paid,
    JobNotFound,
    NotRefundable,
    InvalidInvoice,
    PaymentFailed,

    /// <summary>The node took the payment on but has not said how it ended; the refund stays paying until it does.</summary>
    PaymentInFlight,
}

public sealed record RefundClaimOutcome(RefundClaimStatus Status, string Message, long AmountSats = 0, string? PaymentHash = null);

/// <summary>
/// Pays what a job owes back. A claim must first win the move pending → paying (a conditional update that also
/// records the invoice's hash), so however many claims race, exactly one reaches the Lightning backend. A payment
/// that certainly failed moves the refund back to pending: nothing is lost and the client may claim again. A
/// payment whose outcome is unknown (the node said pending, the call timed out, the process died) stays paying
/// until <see cref="ReconcileAsync"/> learns from the node how it ended: paying again before that could pay twice.
/// </summary>
public sealed partial class RefundClaims(
    TimmyDbContext db,
    IPaymentBackend payments,
    IOptions<LightningOptions> lightning,
    JobTransitions transitions,
    FinishedJobCache finished,
    TimeProvider clock,
    TimmyMetrics metrics,
    PublicFailures failures,
    ILogger<RefundClaims> logger)
{
    public async Task<RefundClaimOutcome> ClaimAsync(Guid jobId, string paymentRequest, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return new(RefundClaimStatus.JobNotFound, JobsApi.JobNotFound);
        }

        if (NotRefundableReason(job) is { } reason)
        {
            return new(RefundClaimStatus.NotRefundable, reason);
        }

        if (PayoutInvoices.Problem(paymentRequest, job.RefundAmountSats, lightning.Value.BitcoinNetwork, clock.GetUtcNow(), out var invoiceHash) is { } problem)
        {
            return new(RefundClaimStatus.InvalidInvoice, problem);
        }

        try
        {
            if (await PayoutInvoices.AlreadyPaidAsync(payments, invoiceHash, cancellationToken) is { } used)
            {
                return new(RefundClaimStatus.NotRefundable, used);
            }
        }
        catch (PaymentBackendException ex)
        {
            return new(RefundClaimStatus.PaymentFailed, $"{failures.Describe("Could not check the invoice with the node", ex)}. The refund is still pending.");
        }

        var payout = new RefundPayout(invoiceHash, RefundPayout.Stored(clock.GetUtcNow()));
        var started = await PayoutClaims.StartAsync(db, payout.Hash, PayoutPurpose.Refund, jobId, payout.AttemptedAt!.Value,
            () => TryMoveRefundAsync(jobId, RefundState.Pending, RefundState.Paying, payout, cancellationToken), cancellationToken);
        // Again after the commit: a poll between the move's own Forget and the commit may have cached the pending refund.
        finished.Forget(jobId);
        switch (started)
        {
            case PayoutStart.Lost:
                return new(RefundClaimStatus.NotRefundable, "A refund for this job is already being paid or has been paid");
            case PayoutStart.InvoiceInUse:
                return new(RefundClaimStatus.NotRefundable, PayoutClaims.InvoiceInUse);
        }

        var owed = job.RefundAmountSats;
        OutgoingPayment payment;
        try
        {
            // Not the request's token: once the payout has started, a client hanging up must not abandon it halfway.
            payment = await payments.PayInvoiceAsync(paymentRequest, CancellationToken.None);
        }
        catch (PaymentOutcomeUnknownException ex)
        {
            LogPayoutUncertain(ex, jobId);
            return new(RefundClaimStatus.PaymentInFlight,
                $"{failures.Describe("The refund payment was sent but the node has not confirmed it yet", ex)}. The job's refund stays pending " +
                "until the node says how it ended; if it failed, you may claim again then.", owed, invoiceHash);
        }
        catch (PaymentBackendException ex)
        {
            LogPayoutFailed(ex, jobId);
            await TryMoveRefundAsync(jobId, RefundState.Paying, RefundState.Pending, payout, CancellationToken.None);
            return new(RefundClaimStatus.PaymentFailed, $"{failures.Describe("Refund payment failed", ex)}. The refund is still pending; you may claim it again.");
        }

        // Counted by whoever records it paid: the reconciler may have, if the node was slow to answer.
        if (await TryMoveRefundAsync(jobId, RefundState.Paying, RefundState.Paid, payout, CancellationToken.None))
        {
            metrics.Refunded(owed);
        }

        return new(RefundClaimStatus.Paid, $"Refund of {owed} sats sent", owed, payment.PaymentHash);
    }

    /// <summary>Settles a payout left paying, from what the node says about its payment (see <see cref="PayoutVerdicts"/>): paid, or pending again.</summary>
    public async Task<RefundState> ReconcileAsync(Job job, TimeSpan unknownAfter, CancellationToken cancellationToken)
    {
        if (job is not { RefundState: RefundState.Paying, RefundPaymentHash: { } hash })
        {
            return job.RefundState;
        }

        var status = await payments.GetOutgoingPaymentAsync(hash, cancellationToken);
        var next = PayoutVerdicts.From(status, job.RefundAttemptedAt, clock.GetUtcNow(), unknownAfter) switch
        {
            PayoutVerdict.Paid => RefundState.Paid,
            PayoutVerdict.GiveBack => RefundState.Pending,
            _ => RefundState.Paying,
        };
        // Judged on this attempt (hash and start), so it applies to no other, even one to the same invoice.
        var judged = new RefundPayout(hash, job.RefundAttemptedAt);
        if (next == RefundState.Paying || !await TryMoveRefundAsync(job.Id, RefundState.Paying, next, judged, cancellationToken))
        {
            return RefundState.Paying;
        }

        LogReconciled(job.Id, status?.State.ToString() ?? "unknown to the node", next.ToString());
        if (next == RefundState.Paid)
        {
            metrics.Refunded(job.RefundAmountSats);
        }

        return next;
    }

    private static string? NotRefundableReason(Job job) => job switch
    {
        { State: not (JobState.Complete or JobState.Failed) } => $"Job is not complete (state: {job.State.ToWireName()})",
        { RefundState: RefundState.Paid } => "Refund already paid",
        { RefundState: RefundState.Paying } => "A refund for this job is already being paid",
        { RefundState: RefundState.NotApplicable } or { RefundAmountSats: <= 0 } => "No refund is owed for this job",
        _ => null,
    };

    /// <summary>One attempt at paying a refund: the invoice's hash and when the attempt started (as stored).</summary>
    private sealed record RefundPayout(string Hash, DateTimeOffset? AttemptedAt)
    {
        /// <summary>
        /// PostgreSQL keeps microseconds, so an attempt is compared with the time as it was stored (on SQLite the value
        /// converter rounds the stored value and the compared one alike).
        /// </summary>
        public static DateTimeOffset Stored(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>
    /// One conditional move of the refund state about one <paramref name="payout"/> attempt (see <see cref="RefundMove"/>).
    /// Back to pending it also lets go of the invoice's claim, so the next claim may bring any.
    /// </summary>
    private async Task<bool> TryMoveRefundAsync(Guid jobId, RefundState from, RefundState to, RefundPayout payout, CancellationToken cancellationToken)
    {
        var move = Job.MoveRefund(from, to, payout.Hash, payout.AttemptedAt);
        // Part of the caller's transaction when it has one (starting a payout, in PayoutClaims.StartAsync), else its own.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var moved = await transitions.TryMoveRefundAsync(db, jobId, move, cancellationToken);
        if (moved && to == RefundState.Pending)
        {
            await PayoutClaims.LetGoAsync(db, payout.Hash, jobId, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        finished.Forget(jobId);
        return moved;
    }

    [LoggerMessage(LogLevel.Error, "Refund payout for job {JobId} failed; it stays pending")]
    private partial void LogPayoutFailed(Exception ex, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Refund payout for job {JobId} has no outcome yet; it stays paying until the node says how it ended")]
    private partial void LogPayoutUncertain(Exception ex, Guid jobId);

    [LoggerMessage(LogLevel.Information, "Refund payout for job {JobId}: the node says {Outcome}, so the refund is now {RefundState}")]
    private partial void LogReconciled(Guid jobId, string outcome, string refundState);
}
