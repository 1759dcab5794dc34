using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Agent.Offline;

namespace Timmy.Api.OpenAI;

/// <summary>
/// The models /v1 serves: the configured provider's work model, named as the provider names it (Claude's, the
/// OpenAI-compatible upstream's, or the offline model's id). Completions run on the agent's work client.
/// </summary>
public sealed class OpenAIModels(IOptions<AgentOptions> agent, TimeProvider clock)
{
    private readonly long _created = clock.GetUtcNow().ToUnixTimeSeconds();

    public long Created => _created;

    public IReadOnlyList<string> Ids => [WorkModel];

    public string OwnedBy => agent.Value.Provider.ToLowerInvariant() switch
    {
        "anthropic" => "anthropic",
        "openai" => "openai-compatible",
        _ => "timmy",
    };

    public bool Serves(string model) => Ids.Contains(model, StringComparer.Ordinal);

    private string WorkModel => agent.Value.Provider.Equals("offline", StringComparison.OrdinalIgnoreCase)
        ? OfflineChatClient.ModelId
        : agent.Value.WorkModel;
}
