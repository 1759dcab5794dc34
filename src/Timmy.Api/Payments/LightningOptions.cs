namespace Timmy.Api.Payments;

public sealed class LightningOptions
{
    public const string Section = "Lightning";

    /// <summary>"stub" (embedded, simulated payments), "lnbits" or "lnd".</summary>
    public string Backend { get; set; } = "stub";

    /// <summary>Production refuses to start on simulated payments unless this is set on purpose.</summary>
    public bool AllowStubInProduction { get; set; }

    /// <summary>The chain the node is on: regtest (the stub's), testnet, signet or mainnet ("bitcoin" also accepted).</summary>
    public string Network { get; set; } = "regtest";

    public Timmy.Lightning.BitcoinNetwork BitcoinNetwork => Network.ToLowerInvariant() switch
    {
        "mainnet" or "bitcoin" => Timmy.Lightning.BitcoinNetwork.Mainnet,
        "testnet" => Timmy.Lightning.BitcoinNetwork.Testnet,
        "signet" => Timmy.Lightning.BitcoinNetwork.Signet,
        "regtest" => Timmy.Lightning.BitcoinNetwork.Regtest,
        _ => throw new InvalidOperationException($"Lightning:Network '{Network}' is not one of mainnet, testnet, signet, regtest"),
    };

    /// <summary>
    /// Run the invoice watcher (listen to the node and poll pending invoices) so jobs advance without client
    /// polls. On unless turned off; with the stub it reacts to the dev pay endpoint at once.
    /// </summary>
    public bool? WatchInvoices { get; set; }

    /// <summary>How often the watcher polls pending invoices while the node's settlement feed is down, in milliseconds.</summary>
    public int PollIntervalMs { get; set; } = 5000;

    /// <summary>
    /// How often it polls while the feed is connected: the feed reports payments as they happen, so the poll is
    /// only a safety net for anything it missed, and need not cost the node a request per pending invoice every few seconds.
    /// </summary>
    public int ListeningPollIntervalMs { get; set; } = 60_000;

    /// <summary>How many pending invoices one poll checks; the next poll takes the next page.</summary>
    public int PollBatchSize { get; set; } = 500;

    /// <summary>Time allowed for one HTTP attempt at the node, in milliseconds.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>Retries of a failed or timed-out node call (never for paying an invoice).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How often payouts without an outcome (refunds, session withdrawals) are looked up on the node, in seconds.</summary>
    public int PayoutCheckSeconds { get; set; } = 30;

    /// <summary>
    /// A payout the node has no record of is given up (its sats owed again) only this long after it started: longer
    /// than any payout call takes, so one still on its way to the node is not given up.
    /// </summary>
    public int PayoutUnknownAfterSeconds { get; set; } = 300;

    public bool IsStub => Backend.Equals("stub", StringComparison.OrdinalIgnoreCase);

    public bool ShouldWatchInvoices => WatchInvoices ?? true;

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollIntervalMs);

    public TimeSpan ListeningPollInterval => TimeSpan.FromMilliseconds(Math.Max(ListeningPollIntervalMs, PollIntervalMs));

    public TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(RequestTimeoutMs);
}
