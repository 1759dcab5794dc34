namespace Timmy.Api.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    public int RequestsPerWindow { get; set; } = 5;

    public int WindowSeconds { get; set; } = 3600;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
