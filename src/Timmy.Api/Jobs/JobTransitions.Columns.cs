using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>The columns each kind of move writes, as one conditional update.</summary>
public sealed partial class JobTransitions
{
    /// <summary>
    /// Writes the move into <paramref name="set"/>: the state, the time, the lease (a lease belongs to one state; the
    /// next starts unleased with fresh attempts, or leased in its first attempt), and the values the move carries (decided by <see cref="Job"/>).
    /// </summary>
    private static void Write(JobMove move, ConditionalUpdate<Job> set, DateTimeOffset now, LeaseTerms? lease)
    {
        set.SetProperty(j => j.State, move.To)
            .SetProperty(j => j.UpdatedAt, now)
            .SetProperty(j => j.LeaseOwner, lease?.Owner)
            .SetProperty(j => j.LeaseExpiresAt, lease?.ExpiresAt)
            .SetProperty(j => j.Attempts, lease is null ? 0 : 1);
        if (move.To == JobState.Complete)
        {
            set.SetProperty(j => j.CompletedAt, now);
        }

        if (move.Reason is not null)
        {
            set.SetProperty(j => j.Reason, move.Reason);
        }

        if (move.Result is not null)
        {
            set.SetProperty(j => j.Result, move.Result);
        }

        if (move.ErrorMessage is not null)
        {
            set.SetProperty(j => j.ErrorMessage, move.ErrorMessage);
        }

        if (move.EvalUsage is { } eval)
        {
            set.SetProperty(j => j.EvalModel, eval.Model)
                .SetProperty(j => j.EvalInputTokens, eval.InputTokens)
                .SetProperty(j => j.EvalOutputTokens, eval.OutputTokens);
        }

        if (move.WorkUsage is { } work)
        {
            set.SetProperty(j => j.WorkModel, work.Model)
                .SetProperty(j => j.WorkInputTokens, work.InputTokens)
                .SetProperty(j => j.WorkOutputTokens, work.OutputTokens);
        }

        if (move.Quote is { } quote)
        {
            set.SetProperty(j => j.EstimatedInputTokens, quote.EstimatedInputTokens)
                .SetProperty(j => j.EstimatedOutputTokens, quote.EstimatedOutputTokens)
                .SetProperty(j => j.EstimatedCostUsd, quote.EstimatedCostUsd)
                .SetProperty(j => j.InputUsdPerMillion, quote.InputUsdPerMillion)
                .SetProperty(j => j.OutputUsdPerMillion, quote.OutputUsdPerMillion)
                .SetProperty(j => j.InfraCostUsd, quote.InfraCostUsd)
                .SetProperty(j => j.MarginPct, quote.MarginPct)
                .SetProperty(j => j.BtcPriceUsd, quote.BtcPriceUsd);
        }

        if (move.Settlement is { } settlement)
        {
            set.SetProperty(j => j.ActualCostUsd, settlement.ActualCostUsd)
                .SetProperty(j => j.ActualChargeUsd, settlement.ActualChargeUsd)
                .SetProperty(j => j.ActualAmountSats, settlement.ActualAmountSats)
                .SetProperty(j => j.RefundAmountSats, settlement.RefundAmountSats)
                .SetProperty(j => j.RefundState, settlement.RefundAmountSats > 0 ? RefundState.Pending : RefundState.NotApplicable);
        }

        if (move.RefundAllOf is { } owed)
        {
            set.SetProperty(j => j.ActualAmountSats, 0L)
                .SetProperty(j => j.RefundAmountSats, owed)
                .SetProperty(j => j.RefundState, RefundState.Pending);
        }
    }

    /// <summary>A refund move: from paying, only while the same attempt (hash and start) is the one paying.</summary>
    private static ConditionalUpdate<Job> RefundUpdate(Guid jobId, RefundMove move, DateTimeOffset now)
    {
        var set = new ConditionalUpdate<Job>()
            .SetProperty(j => j.RefundState, move.To)
            .SetProperty(j => j.UpdatedAt, now)
            .Where(j => j.Id, jobId)
            .Where(j => j.RefundState, move.From);
        if (move.From == RefundState.Paying)
        {
            set.Where(j => j.RefundPaymentHash, move.PaymentHash).Where(j => j.RefundAttemptedAt, move.AttemptedAt);
        }

        return move.To switch
        {
            RefundState.Paying => set.SetProperty(j => j.RefundPaymentHash, move.PaymentHash).SetProperty(j => j.RefundAttemptedAt, move.AttemptedAt),
            RefundState.Pending => set.SetProperty(j => j.RefundPaymentHash, null).SetProperty(j => j.RefundAttemptedAt, null),
            _ => set.SetProperty(j => j.RefundedAt, now),
        };
    }
}
