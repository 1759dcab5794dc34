namespace Timmy.Api.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    public int RequestsPerWindow { get; set; } = 5;

    public int WindowSeconds { get; set; } = 3600;

    /// <summary>Demo requests of all clients together per window (0 = none), so rotating addresses cannot drain the operator.</summary>
    public int GlobalRequestsPerWindow { get; set; } = 100;

    /// <summary>Clients the in-memory limiter remembers at once; past this, new clients are told the demo is busy.</summary>
    public int MaxTrackedClients { get; set; } = 10_000;

    /// <summary>Prefix of the per-client counters in Redis (when <c>ConnectionStrings:Redis</c> is set).</summary>
    public string RedisKeyPrefix { get; set; } = "timmy:demo:";

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    /// <summary>The window in words, for the 429: "per hour", "per 10 minutes".</summary>
    public string WindowInWords => WindowSeconds switch
    {
        1 => "per second",
        60 => "per minute",
        3600 => "per hour",
        86400 => "per day",
        var s when s % 86400 == 0 => $"per {s / 86400} days",
        var s when s % 3600 == 0 => $"per {s / 3600} hours",
        var s when s % 60 == 0 => $"per {s / 60} minutes",
        var s => $"per {s} seconds",
    };
}
