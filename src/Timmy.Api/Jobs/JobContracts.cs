using System.Text.Json.Serialization;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

public sealed record CreateJobRequest(string Request);

public sealed record ClaimRefundRequest(string Invoice);

public sealed record ClaimRefundResponse(bool Ok, long RefundAmountSats, string PaymentHash, string Message);

public sealed record CreateJobResponse(string JobId, DateTime CreatedAt, InvoiceInfo EvalInvoice);

/// <summary>An invoice as a client sees it. <c>paymentHash</c> appears only while payments are simulated.</summary>
public sealed record InvoiceInfo(string PaymentRequest, long AmountSats, string? PaymentHash)
{
    public static InvoiceInfo From(Invoice invoice, bool showPaymentHash) =>
        new(invoice.PaymentRequest, invoice.AmountSats, showPaymentHash ? invoice.PaymentHash : null);
}

public sealed record JobStatusResponse(
    string JobId,
    JobState State,
    DateTime CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTime? CompletedAt,
    InvoiceInfo? EvalInvoice,
    InvoiceInfo? WorkInvoice,
    PricingBreakdown? PricingBreakdown,
    string? Reason,
    string? Result,
    CostLedger? CostLedger,
    string? ErrorMessage)
{
    public static JobStatusResponse From(Job job, bool showPaymentHashes) => new(
        job.Id.ToString(),
        job.State,
        job.CreatedAt.UtcDateTime,
        job.CompletedAt?.UtcDateTime,
        job.EvalInvoice is { } eval ? InvoiceInfo.From(eval, showPaymentHashes) : null,
        job.WorkInvoice is { } work ? InvoiceInfo.From(work, showPaymentHashes) : null,
        PricingBreakdown.From(job),
        job.Reason,
        job.Result,
        CostLedger.From(job),
        job.ErrorMessage);
}

/// <summary>How the work invoice was priced, as estimated when it was created.</summary>
public sealed record PricingBreakdown(decimal EstimatedCostUsd, decimal MarginPct, decimal BtcPriceUsd)
{
    public static PricingBreakdown? From(Job job) => job.Quote is { } quote
        ? new PricingBreakdown(Usd.Display(quote.EstimatedCostUsd), Usd.Display(quote.MarginPct), Usd.Display(quote.BtcPriceUsd))
        : null;
}

/// <summary>The honest account after the work: what it cost, what was charged, and what is owed back.</summary>
public sealed record CostLedger(
    int ActualInputTokens,
    int ActualOutputTokens,
    int TotalTokens,
    decimal ActualCostUsd,
    decimal ActualChargeUsd,
    decimal EstimatedCostUsd,
    long ActualAmountSats,
    long WorkAmountSats,
    long RefundAmountSats,
    RefundState RefundState,
    decimal MarginPct,
    decimal BtcPriceUsd,
    int? OutputTokenCap,
    bool ChargeCapped)
{
    /// <summary>
    /// Present once the job is settled: complete, or failed after its work was paid for. <c>outputTokenCap</c> is the
    /// output the quote priced and the work model was allowed; <c>chargeCapped</c> says the honest charge
    /// (<c>actualChargeUsd</c>) came to more than was paid, so <c>actualAmountSats</c> is the price paid.
    /// </summary>
    public static CostLedger? From(Job job) => job is { ActualAmountSats: { } actualSats, Quote: { } quote }
        ? new CostLedger(
            job.WorkInputTokens,
            job.WorkOutputTokens,
            job.WorkInputTokens + job.WorkOutputTokens,
            Usd.Display(job.ActualCostUsd ?? 0),
            Usd.Display(job.ActualChargeUsd ?? 0),
            Usd.Display(quote.EstimatedCostUsd),
            actualSats,
            quote.AmountSats,
            job.RefundAmountSats,
            job.RefundState,
            Usd.Display(quote.MarginPct),
            Usd.Display(quote.BtcPriceUsd),
            quote.EstimatedOutputTokens > 0 ? quote.EstimatedOutputTokens : null,
            job is { State: JobState.Complete, ActualChargeUsd: { } charge } && CostAccounting.WasCapped(charge, actualSats, quote.BtcPriceUsd))
        : null;
}
