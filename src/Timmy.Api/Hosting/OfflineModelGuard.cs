using Timmy.Api.Agent;

namespace Timmy.Api.Hosting;

/// <summary>
/// Production refuses to sell the offline model's canned answers and the offline painter's pictures, for the agent, chat
/// and images, unless <c>Agent:AllowOfflineInProduction=true</c>, as it refuses the stub Lightning backend.
/// </summary>
public static class OfflineModelGuard
{
    public static void RefuseOfflineInProduction(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction() || configuration.GetValue<bool>($"{AgentOptions.Section}:AllowOfflineInProduction"))
        {
            return;
        }

        var offline = new[] { "Agent:Provider", "Chat:Provider", "Chat:ImageProvider" }
            .Where(setting => (configuration[setting] ?? "offline").Trim().Equals("offline", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (offline.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start: the offline model answers in Production ({string.Join(", ", offline)} = offline). Configure a " +
                "real provider (ANTHROPIC_API_KEY, GEMINI_API_KEY, Chat:ImageProvider=gemini), turn images off (Chat:ImageProvider=none), " +
                "or set Agent:AllowOfflineInProduction=true if you really mean it.");
        }
    }
}
