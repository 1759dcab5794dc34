namespace Timmy.Api.Agent;

public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>"offline" (embedded, no network). Real providers plug in behind the same keyed clients.</summary>
    public string Provider { get; set; } = "offline";

    /// <summary>The cheap model that judges requests (seed env name: EVAL_MODEL).</summary>
    public string EvalModel { get; set; } = "claude-haiku-4-5";

    /// <summary>The strong model that does the work (seed env name: WORK_MODEL).</summary>
    public string WorkModel { get; set; } = "claude-sonnet-4-6";

    /// <summary>Upper bound on the eval model's verdict length.</summary>
    public int EvalMaxOutputTokens { get; set; } = 256;

    /// <summary>Upper bound on the work model's answer length.</summary>
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>Simulated latency of the offline client, for benchmarks of many jobs in flight.</summary>
    public int OfflineLatencyMs { get; set; }
}
