using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>
/// A paid request. Its state is only ever changed by <see cref="JobTransitions"/>, with a conditional
/// update, so that concurrent pollers and instances agree on who moved it.
/// </summary>
public sealed class Job
{
    public Guid Id { get; init; }

    public required string Request { get; init; }

    public JobState State { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The worker instance that holds the job while it is evaluating or executing.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>After this, a worker that died holding the job is presumed gone and another may take it.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>How many times a worker has taken up the job in its current state.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the eval model turned the request down.</summary>
    public string? Reason { get; set; }

    public string? Result { get; set; }

    public string? ErrorMessage { get; set; }

    public string? EvalModel { get; set; }

    public int EvalInputTokens { get; set; }

    public int EvalOutputTokens { get; set; }

    public string? WorkModel { get; set; }

    public int WorkInputTokens { get; set; }

    public int WorkOutputTokens { get; set; }

    // The work quote, fixed when the work invoice is created (see WorkQuote).
    public int? EstimatedInputTokens { get; set; }

    public int? EstimatedOutputTokens { get; set; }

    public decimal? EstimatedCostUsd { get; set; }

    public decimal? InputUsdPerMillion { get; set; }

    public decimal? OutputUsdPerMillion { get; set; }

    public decimal? InfraCostUsd { get; set; }

    public decimal? MarginPct { get; set; }

    /// <summary>BTC/USD locked when the work invoice was created; the ledger converts at this price.</summary>
    public decimal? BtcPriceUsd { get; set; }

    // The cost ledger, written once the work is done (or has failed after being paid for).
    public decimal? ActualCostUsd { get; set; }

    public decimal? ActualChargeUsd { get; set; }

    public long? ActualAmountSats { get; set; }

    public long RefundAmountSats { get; set; }

    public RefundState RefundState { get; set; }

    /// <summary>The hash of the invoice a refund is being or was paid to.</summary>
    public string? RefundPaymentHash { get; set; }

    /// <summary>When the refund's payout was started; a payout left in paying is looked up on the node after a while.</summary>
    public DateTimeOffset? RefundAttemptedAt { get; set; }

    public DateTimeOffset? RefundedAt { get; set; }

    public List<Invoice> Invoices { get; init; } = [];

    public WorkQuote? Quote => BtcPriceUsd is { } btcPrice && WorkInvoice is { } invoice
        ? new WorkQuote(
            invoice.AmountSats,
            EstimatedInputTokens ?? 0,
            EstimatedOutputTokens ?? 0,
            EstimatedCostUsd ?? 0,
            InputUsdPerMillion ?? 0,
            OutputUsdPerMillion ?? 0,
            InfraCostUsd ?? 0,
            MarginPct ?? 0,
            btcPrice)
        : null;

    public Invoice? EvalInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobEval);

    public Invoice? WorkInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobWork);
}
