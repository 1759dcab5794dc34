namespace Timmy.Api.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    public long EvalFeeSats { get; set; } = 10;

    /// <summary>The longest request accepted, in characters.</summary>
    public int MaxRequestChars { get; set; } = 4000;

    public int InvoiceExpirySeconds { get; set; } = 3600;

    public TimeSpan InvoiceExpiry => TimeSpan.FromSeconds(InvoiceExpirySeconds);
}
