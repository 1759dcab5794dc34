using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent.Offline;

namespace Timmy.Api.Agent;

public static class AgentRegistration
{
    public static IServiceCollection AddTimmyAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section))
            .Validate(o => o.Provider.Equals("offline", StringComparison.OrdinalIgnoreCase),
                "Agent:Provider must be 'offline' (the only provider built in so far)")
            .ValidateOnStart();
        services.AddSingleton<TokenCounter>();

        services.AddKeyedSingleton<IChatClient>(AgentKeys.Eval, (sp, _) =>
            new OfflineEvalChatClient(sp.GetRequiredService<TokenCounter>(), OfflineLatency(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Work, (sp, _) =>
            new OfflineWorkChatClient(sp.GetRequiredService<TokenCounter>(), OfflineLatency(sp), sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<IJobAgent, ChatClientAgent>();
        return services;
    }

    private static TimeSpan OfflineLatency(IServiceProvider services) =>
        TimeSpan.FromMilliseconds(services.GetRequiredService<IOptions<AgentOptions>>().Value.OfflineLatencyMs);
}
