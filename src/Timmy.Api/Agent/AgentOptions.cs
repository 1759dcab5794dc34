namespace Timmy.Api.Agent;

public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>
    /// "offline" (embedded, no network), "anthropic" (Claude) or "openai" (any OpenAI-compatible server). Unset, it is
    /// "anthropic" when ANTHROPIC_API_KEY is set, otherwise "offline" (<see cref="Hosting.BackendSelection"/>).
    /// </summary>
    public string Provider { get; set; } = "offline";

    /// <summary>Production refuses to start with the offline model (agent or chat) unless this is set on purpose.</summary>
    public bool AllowOfflineInProduction { get; set; }

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

    public AnthropicProviderOptions Anthropic { get; set; } = new();

    public OpenAIProviderOptions OpenAI { get; set; } = new();

    /// <summary>The configured provider's bounds on a call; null for the offline model, which has none to speak of.</summary>
    public ModelCallLimits? ProviderLimits => Provider.ToLowerInvariant() switch
    {
        "anthropic" => Anthropic,
        "openai" => OpenAI,
        _ => null,
    };
}

/// <summary>Bounds on one model call: a job whose provider keeps failing ends failed, never stuck.</summary>
public abstract class ModelCallLimits
{
    /// <summary>Time allowed for one attempt, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after a 408, 429, 5xx or timeout, with backoff (and retry-after where sent).</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>
    /// The longest one call may take with every retry: each attempt's timeout, plus a minute before each retry for the
    /// SDK's backoff or the provider's retry-after.
    /// </summary>
    public TimeSpan LongestCall => Timeout * (MaxRetries + 1) + TimeSpan.FromMinutes(1) * MaxRetries;
}

public sealed class AnthropicProviderOptions : ModelCallLimits
{
    /// <summary>The API key (seed env name: ANTHROPIC_API_KEY).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Another base URL for the Messages API, e.g. a proxy or a test fake (env: ANTHROPIC_BASE_URL).</summary>
    public string? BaseUrl { get; set; }
}

public sealed class OpenAIProviderOptions : ModelCallLimits
{
    /// <summary>A local model on a CPU can take minutes for a long answer.</summary>
    public OpenAIProviderOptions() => TimeoutSeconds = 300;

    /// <summary>The server's OpenAI-compatible base URL, e.g. http://localhost:11434/v1 for Ollama.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Optional: local servers usually ignore it.</summary>
    public string? ApiKey { get; set; }
}
