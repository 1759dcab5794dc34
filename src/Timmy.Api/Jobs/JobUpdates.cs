using Timmy.Api.Agent;
using Timmy.Api.Data;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>Groups of columns that are written together in a job's conditional moves.</summary>
internal static class JobUpdates
{
    public static ConditionalUpdate<Job> SetEvalUsage(this ConditionalUpdate<Job> set, TokenUsage usage) => set
        .SetProperty(j => j.EvalModel, usage.Model)
        .SetProperty(j => j.EvalInputTokens, usage.InputTokens)
        .SetProperty(j => j.EvalOutputTokens, usage.OutputTokens);

    public static ConditionalUpdate<Job> SetWorkUsage(this ConditionalUpdate<Job> set, TokenUsage usage) => set
        .SetProperty(j => j.WorkModel, usage.Model)
        .SetProperty(j => j.WorkInputTokens, usage.InputTokens)
        .SetProperty(j => j.WorkOutputTokens, usage.OutputTokens);

    public static ConditionalUpdate<Job> SetQuote(this ConditionalUpdate<Job> set, WorkQuote quote) => set
        .SetProperty(j => j.EstimatedInputTokens, quote.EstimatedInputTokens)
        .SetProperty(j => j.EstimatedOutputTokens, quote.EstimatedOutputTokens)
        .SetProperty(j => j.EstimatedCostUsd, quote.EstimatedCostUsd)
        .SetProperty(j => j.InputUsdPerMillion, quote.InputUsdPerMillion)
        .SetProperty(j => j.OutputUsdPerMillion, quote.OutputUsdPerMillion)
        .SetProperty(j => j.InfraCostUsd, quote.InfraCostUsd)
        .SetProperty(j => j.MarginPct, quote.MarginPct)
        .SetProperty(j => j.BtcPriceUsd, quote.BtcPriceUsd);

    /// <summary>The cost ledger; a refund is pending whenever something is owed back.</summary>
    public static ConditionalUpdate<Job> SetSettlement(this ConditionalUpdate<Job> set, WorkSettlement settlement) => set
        .SetProperty(j => j.ActualCostUsd, settlement.ActualCostUsd)
        .SetProperty(j => j.ActualChargeUsd, settlement.ActualChargeUsd)
        .SetProperty(j => j.ActualAmountSats, settlement.ActualAmountSats)
        .SetProperty(j => j.RefundAmountSats, settlement.RefundAmountSats)
        .SetProperty(j => j.RefundState, settlement.RefundAmountSats > 0 ? RefundState.Pending : RefundState.NotApplicable);
}
