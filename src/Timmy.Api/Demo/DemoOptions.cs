namespace Timmy.Api.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    public int RequestsPerWindow { get; set; } = 5;

    public int WindowSeconds { get; set; } = 3600;

    /// <summary>Prefix of the per-client counters in Redis (when <c>ConnectionStrings:Redis</c> is set).</summary>
    public string RedisKeyPrefix { get; set; } = "timmy:demo:";

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
