namespace Timmy.Api.Payments.Watching;

/// <summary>
/// How long the invoices Timmy issues stay payable, which bounds the watcher's safety poll. Bound to the
/// <c>Jobs</c> section, whose <c>InvoiceExpirySeconds</c> sets the expiry of every invoice (jobs' and sessions'),
/// so the watcher reads the setting without depending on the Jobs feature.
/// </summary>
public sealed class InvoiceWatchOptions
{
    public const string Section = "Jobs";

    public int InvoiceExpirySeconds { get; set; } = 3600;

    public TimeSpan InvoiceExpiry => TimeSpan.FromSeconds(InvoiceExpirySeconds);
}
