using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Observability;
using Timmy.Api.Payments;
using Timmy.Lightning;

namespace Timmy.Api.Jobs;

public enum RefundClaimStatus
{
    Paid,
    JobNotFound,
    NotRefundable,
    InvalidInvoice,
    PaymentFailed,
}

public sealed record RefundClaimOutcome(RefundClaimStatus Status, string Message, long AmountSats = 0, string? PaymentHash = null);

/// <summary>
/// Pays what a job owes back. A claim must first win the move pending → paying (a conditional update),
/// so however many claims race, exactly one reaches the Lightning backend. A failed payment moves the
/// refund back to pending: nothing is lost and the client may claim again.
/// </summary>
public sealed partial class RefundClaims(
    TimmyDbContext db,
    IPaymentBackend payments,
    IOptions<LightningOptions> lightning,
    FinishedJobCache finished,
    TimeProvider clock,
    TimmyMetrics metrics,
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

        if (InvoiceProblem(paymentRequest, job.RefundAmountSats) is { } problem)
        {
            return new(RefundClaimStatus.InvalidInvoice, problem);
        }

        if (!await TryMoveRefundAsync(jobId, RefundState.Pending, RefundState.Paying, null, cancellationToken))
        {
            return new(RefundClaimStatus.NotRefundable, "A refund for this job is already being paid or has been paid");
        }

        var owed = job.RefundAmountSats;
        OutgoingPayment payment;
        try
        {
            // Not the request's token: once the payout has started, a client hanging up must not abandon it halfway.
            payment = await payments.PayInvoiceAsync(paymentRequest, CancellationToken.None);
        }
        catch (PaymentBackendException ex)
        {
            LogPayoutFailed(ex, jobId);
            await TryMoveRefundAsync(jobId, RefundState.Paying, RefundState.Pending, null, CancellationToken.None);
            return new(RefundClaimStatus.PaymentFailed, $"Refund payment failed: {ex.Message}. The refund is still pending; you may claim it again.");
        }

        await TryMoveRefundAsync(jobId, RefundState.Paying, RefundState.Paid, payment.PaymentHash, CancellationToken.None);
        metrics.Refunded(owed);
        return new(RefundClaimStatus.Paid, $"Refund of {owed} sats sent", owed, payment.PaymentHash);
    }

    private static string? NotRefundableReason(Job job) => job switch
    {
        { State: not (JobState.Complete or JobState.Failed) } => $"Job is not complete (state: {job.State.ToWireName()})",
        { RefundState: RefundState.Paid } => "Refund already paid",
        { RefundState: RefundState.Paying } => "A refund for this job is already being paid",
        { RefundState: RefundState.NotApplicable } or { RefundAmountSats: <= 0 } => "No refund is owed for this job",
        _ => null,
    };

    private string? InvoiceProblem(string paymentRequest, long owedSats)
    {
        if (!Bolt11Invoice.TryDecode(paymentRequest.Trim(), out var invoice, out var error))
        {
            return $"Invalid BOLT11 invoice: {error}";
        }

        var network = lightning.Value.BitcoinNetwork;
        if (invoice.Network != network)
        {
            return $"Invoice is for {invoice.Network}, but this node is on {network}";
        }

        if (invoice.AmountMsat is not { } msat)
        {
            return $"Invoice must carry an amount of exactly {owedSats} sats";
        }

        if (msat != owedSats * 1000)
        {
            return $"Invoice amount is {msat / 1000m} sats; the refund owed is exactly {owedSats} sats";
        }

        return invoice.IsExpired(clock.GetUtcNow()) ? "Invoice has expired" : null;
    }

    private async Task<bool> TryMoveRefundAsync(Guid jobId, RefundState from, RefundState to, string? paymentHash, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await db.Jobs
            .Where(j => j.Id == jobId && j.RefundState == from)
            .ExecuteUpdateAsync(set =>
            {
                set.SetProperty(j => j.RefundState, to);
                set.SetProperty(j => j.UpdatedAt, now);
                if (to == RefundState.Paid)
                {
                    set.SetProperty(j => j.RefundPaymentHash, paymentHash);
                    set.SetProperty(j => j.RefundedAt, now);
                }
            }, cancellationToken);
        finished.Forget(jobId);
        return rows == 1;
    }

    [LoggerMessage(LogLevel.Error, "Refund payout for job {JobId} failed; it stays pending")]
    private partial void LogPayoutFailed(Exception ex, Guid jobId);
}
