namespace Timmy.Api.Hosting;

/// <summary>
/// Accepts the original service's environment variable names, so its users can switch without renaming.
/// The aliases sit just below the regular environment variables: an explicit <c>Agent__EvalModel</c> wins.
/// </summary>
public static class SeedEnvironmentAliases
{
    public static readonly IReadOnlyDictionary<string, string> Map = new Dictionary<string, string>
    {
        ["EVAL_MODEL"] = "Agent:EvalModel",
        ["WORK_MODEL"] = "Agent:WorkModel",
        ["BTC_PRICE_USD_FALLBACK"] = "Pricing:BtcPriceUsdFallback",
        ["LNBITS_URL"] = "Lightning:Lnbits:Url",
        ["LNBITS_API_KEY"] = "Lightning:Lnbits:ApiKey",
        // Not in the seed, which never paid out; named to match its siblings.
        ["LNBITS_ADMIN_KEY"] = "Lightning:Lnbits:AdminKey",
        ["ANTHROPIC_API_KEY"] = "Agent:Anthropic:ApiKey",
        ["ANTHROPIC_BASE_URL"] = "Agent:Anthropic:BaseUrl",
        // Google's SDKs let GOOGLE_API_KEY win when both are set; the first alias of a key wins here.
        ["GOOGLE_API_KEY"] = "Chat:Gemini:ApiKey",
        ["GEMINI_API_KEY"] = "Chat:Gemini:ApiKey",
    };

    public static void AddSeedEnvironmentAliases(this ConfigurationManager configuration)
    {
        var values = Map
            .Select(alias => (Key: alias.Value, Value: Environment.GetEnvironmentVariable(alias.Key)))
            .Where(pair => !string.IsNullOrEmpty(pair.Value))
            .GroupBy(pair => pair.Key)
            .ToDictionary(group => group.Key, group => group.First().Value);
        if (values.Count == 0)
        {
            return;
        }

        IConfigurationBuilder builder = configuration;
        var sources = builder.Sources;
        var environmentIndex = sources.ToList().FindLastIndex(s => s.GetType().Name == "EnvironmentVariablesConfigurationSource");
        var aliasSource = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values };
        if (environmentIndex < 0)
        {
            sources.Add(aliasSource);
        }
        else
        {
            sources.Insert(environmentIndex, aliasSource);
        }
    }
}
