namespace Timmy.Api.Payments;

public sealed class LightningOptions
{
    public const string Section = "Lightning";

    /// <summary>"stub" (embedded, simulated payments), "lnbits" or "lnd".</summary>
    public string Backend { get; set; } = "stub";

    /// <summary>Production refuses to start on simulated payments unless this is set on purpose.</summary>
    public bool AllowStubInProduction { get; set; }

    /// <summary>
    /// Run the invoice watcher (listen to the node and poll pending invoices) so jobs advance without client
    /// polls. Unset means on for real nodes and off for the stub, whose payments come from the dev endpoint.
    /// </summary>
    public bool? WatchInvoices { get; set; }

    /// <summary>How often the watcher polls pending invoices, in milliseconds.</summary>
    public int PollIntervalMs { get; set; } = 5000;

    /// <summary>Time allowed for one HTTP attempt at the node, in milliseconds.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>Retries of a failed or timed-out node call (never for paying an invoice).</summary>
    public int MaxRetries { get; set; } = 2;

    public bool IsStub => Backend.Equals("stub", StringComparison.OrdinalIgnoreCase);

    public bool ShouldWatchInvoices => WatchInvoices ?? !IsStub;

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollIntervalMs);

    public TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(RequestTimeoutMs);
}
