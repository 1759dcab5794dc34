using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Agent.Offline;

internal static class OfflineChatClients
{
    public static IServiceCollection AddOfflineChatClients(this IServiceCollection services)
    {
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Eval, (sp, _) =>
            new OfflineEvalChatClient(sp.GetRequiredService<TokenCounter>(), Latency(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Work, (sp, _) =>
            new OfflineWorkChatClient(sp.GetRequiredService<TokenCounter>(), Latency(sp), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static TimeSpan Latency(IServiceProvider services) =>
        TimeSpan.FromMilliseconds(services.GetRequiredService<IOptions<AgentOptions>>().Value.OfflineLatencyMs);
}
