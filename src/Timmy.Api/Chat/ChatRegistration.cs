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

        services.AddKeyedSingleton<IChatClient>(ChatKeys.Chat, (sp, _) =>
            new UsageFallbackChatClient(sp.CreateNamed<IChatClient>(Settings(sp).Provider), sp.GetRequiredService<TokenCounter>()));
        // With images off their routes are not mapped, so nothing asks for the generator.
        services.AddKeyedSingleton<IImageGenerator>(ChatKeys.Images, (sp, _) => ImagesOff.IsOff(Settings(sp))
            ? throw new InvalidOperationException(ImagesOff.Message)
            : sp.CreateNamed<IImageGenerator>(Settings(sp).ImageProvider));
        return services;
    }

    private static ChatSettings Settings(IServiceProvider services) => services.GetRequiredService<IOptions<ChatSettings>>().Value;
}
