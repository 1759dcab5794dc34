using Timmy.Api.Payments;

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

    public List<Invoice> Invoices { get; init; } = [];

    public Invoice? EvalInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobEval);

    public Invoice? WorkInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobWork);
}
