namespace Timmy.Api.Hosting;

/// <summary>Which backend a setting ended up with, and why (for the startup log).</summary>
public sealed record BackendChoice(string Setting, string Value, string Reason);

/// <summary>The backends chosen at startup: Lightning, the agent's provider, the chat provider.</summary>
public sealed record BackendChoices(IReadOnlyList<BackendChoice> All);

/// <summary>
/// The seed's environment variables select the real backends when the setting is unset: <c>LNBITS_URL</c> with
/// <c>LNBITS_API_KEY</c> selects LNbits, <c>ANTHROPIC_API_KEY</c> selects Claude, <c>GEMINI_API_KEY</c> or
/// <c>GOOGLE_API_KEY</c> selects Gemini for chat (read through their aliases, <see cref="SeedEnvironmentAliases"/>, so the
/// settings they stand for select too). An explicit setting always wins; otherwise the embedded defaults stay.
/// </summary>
public static class BackendSelection
{
    public static BackendChoices SelectBackends(this ConfigurationManager configuration)
    {
        var choices = new List<BackendChoice>
        {
            Choose(configuration, "Lightning:Backend", "stub",
                Has(configuration, "Lightning:Lnbits:Url") && Has(configuration, "Lightning:Lnbits:ApiKey") ? "lnbits" : null,
                "LNBITS_URL with LNBITS_API_KEY (Lightning:Lnbits:Url, Lightning:Lnbits:ApiKey)"),
            Choose(configuration, "Agent:Provider", "offline",
                Has(configuration, "Agent:Anthropic:ApiKey") ? "anthropic" : null,
                "ANTHROPIC_API_KEY (Agent:Anthropic:ApiKey)"),
            Choose(configuration, "Chat:Provider", "offline",
                Has(configuration, "Chat:Gemini:ApiKey") ? "gemini" : null,
                "GEMINI_API_KEY or GOOGLE_API_KEY (Chat:Gemini:ApiKey)"),
        };

        // Only settings that were unset are written, so nothing explicit is overridden.
        var selected = choices.Where(c => !Has(configuration, c.Setting)).ToDictionary(c => c.Setting, c => (string?)c.Value);
        if (selected.Count > 0)
        {
            IConfigurationBuilder builder = configuration;
            builder.Add(new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = selected });
        }

        return new BackendChoices(choices);
    }

    private static BackendChoice Choose(IConfiguration configuration, string setting, string embedded, string? selectedByKeys, string keys)
    {
        if (configuration[setting] is { } explicitValue && !string.IsNullOrWhiteSpace(explicitValue))
        {
            return new BackendChoice(setting, explicitValue, $"{setting} is set");
        }

        return selectedByKeys is not null
            ? new BackendChoice(setting, selectedByKeys, $"{setting} is unset and {keys} is set")
            : new BackendChoice(setting, embedded, $"{setting} is unset and {keys} is not set: the embedded default");
    }

    private static bool Has(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
