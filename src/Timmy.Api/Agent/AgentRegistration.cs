using Timmy.Api.Agent.Claude;
using Timmy.Api.Agent.Offline;
using Timmy.Api.Agent.OpenAICompatible;

namespace Timmy.Api.Agent;

public static class AgentRegistration
{
    public static IServiceCollection AddTimmyAgent(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AgentOptions.Section);
        var agent = section.Get<AgentOptions>() ?? new AgentOptions();
        services.Configure<AgentOptions>(section);
        services.AddSingleton<TokenCounter>();

        // The two keyed clients come from the configured provider; ChatClientAgent does not know which.
        _ = agent.Provider.ToLowerInvariant() switch
        {
            "offline" => services.AddOfflineChatClients(),
            "anthropic" => services.AddClaudeChatClients(agent),
            "openai" => services.AddOpenAICompatibleChatClients(agent),
            _ => throw new InvalidOperationException($"Agent:Provider '{agent.Provider}' is not supported; use 'offline', 'anthropic' or 'openai'"),
        };

        services.AddSingleton<IJobAgent, ChatClientAgent>();
        return services;
    }
}
