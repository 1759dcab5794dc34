using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent.Claude;

/// <summary>
/// Claude through the official SDK and its <c>AsIChatClient</c>. Resilience is the SDK's own: it retries
/// 408/409/429/5xx with backoff, honouring retry-after, and times out each attempt.
/// </summary>
internal static class ClaudeChatClients
{
    public static IServiceCollection AddClaudeChatClients(this IServiceCollection services, AgentOptions agent)
    {
        var anthropic = agent.Anthropic;
        if (string.IsNullOrWhiteSpace(anthropic.ApiKey))
        {
            // Without a key the SDK still sends requests, unauthenticated; refuse instead of failing every job.
            throw new InvalidOperationException("Agent:Provider=anthropic needs an API key in Agent:Anthropic:ApiKey (ANTHROPIC_API_KEY)");
        }

        var options = new ClientOptions
        {
            ApiKey = anthropic.ApiKey,
            MaxRetries = anthropic.MaxRetries,
            Timeout = anthropic.Timeout,
        };
        if (!string.IsNullOrWhiteSpace(anthropic.BaseUrl))
        {
            options.BaseUrl = anthropic.BaseUrl;
        }

        services.AddSingleton(_ => new AnthropicClient(options));
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Eval, (sp, _) =>
            sp.GetRequiredService<AnthropicClient>().AsIChatClient(agent.EvalModel, agent.MaxOutputTokens));
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Work, (sp, _) =>
            sp.GetRequiredService<AnthropicClient>().AsIChatClient(agent.WorkModel, agent.MaxOutputTokens));
        return services;
    }
}
