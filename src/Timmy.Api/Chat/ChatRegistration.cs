using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Agent.Offline;
using Timmy.Api.Chat.Gemini;
using Timmy.Api.Chat.Offline;

namespace Timmy.Api.Chat;

public static class ChatRegistration
{
    public static IServiceCollection AddTimmyChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatSettings>().Bind(configuration.GetSection(ChatSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatSettings>, ChatSettingsValidation>();
        services.AddGemini(configuration);
        services.AddSingleton<ChatCosts>();

        // One line per provider; Chat:Provider and Chat:ImageProvider choose among them by name.
        services.AddNamedProvider<IChatClient>("offline", sp =>
            new OfflineChatConversationClient(sp.GetRequiredService<TokenCounter>(), sp.GetRequiredService<TimeProvider>()));
        services.AddNamedProvider<IChatClient>(GeminiRegistration.ProviderName, sp => sp.GetRequiredService<GeminiChatClient>());
        services.AddNamedProvider<IChatClient>("agent", sp => sp.GetRequiredKeyedService<IChatClient>(AgentKeys.Work));
        services.AddNamedProvider<IImageGenerator>("offline", _ => new OfflineImageGenerator());
        services.AddNamedProvider<IImageGenerator>(GeminiRegistration.ProviderName, sp => sp.GetRequiredService<GeminiImageGenerator>());
        // Images off: their routes are not mapped (ImagesOff), so nothing asks for this one.
        services.AddNamedProvider<IImageGenerator>(ImagesOff.ProviderName, _ => throw new InvalidOperationException(ImagesOff.Message));

        services.AddKeyedSingleton<IChatClient>(ChatKeys.Chat, (sp, _) =>
            new UsageFallbackChatClient(sp.CreateNamed<IChatClient>(Settings(sp).Provider), sp.GetRequiredService<TokenCounter>()));
        services.AddKeyedSingleton<IImageGenerator>(ChatKeys.Images, (sp, _) => sp.CreateNamed<IImageGenerator>(Settings(sp).ImageProvider));
        return services;
    }

    private static ChatSettings Settings(IServiceProvider services) => services.GetRequiredService<IOptions<ChatSettings>>().Value;
}
