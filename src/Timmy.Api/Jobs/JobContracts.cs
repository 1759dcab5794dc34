using System.Text.Json.Serialization;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

public sealed record CreateJobRequest(string Request);

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
    string? Reason,
    string? Result,
    string? ErrorMessage)
{
    public static JobStatusResponse From(Job job, bool showPaymentHashes) => new(
        job.Id.ToString(),
        job.State,
        job.CreatedAt.UtcDateTime,
        job.CompletedAt?.UtcDateTime,
        job.EvalInvoice is { } eval ? InvoiceInfo.From(eval, showPaymentHashes) : null,
        job.WorkInvoice is { } work ? InvoiceInfo.From(work, showPaymentHashes) : null,
        job.Reason,
        job.Result,
        job.ErrorMessage);
}
