using Microsoft.Extensions.Options;

namespace Timmy.Api.Chat.Gemini;

public static class GeminiRegistration
{
    public const string ProviderName = "gemini";

    public static IServiceCollection AddGemini(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GeminiOptions>().Bind(configuration.GetSection(GeminiOptions.Section))
            .Validate<IOptions<ChatSettings>>(
                (gemini, chat) => !UsesGemini(chat.Value) || !string.IsNullOrWhiteSpace(gemini.ApiKey),
                "Gemini is the chat or image provider but has no API key: set GEMINI_API_KEY, GOOGLE_API_KEY or Chat:Gemini:ApiKey")
            .Validate(gemini => Uri.TryCreate(gemini.BaseUrl, UriKind.Absolute, out _), "Chat:Gemini:BaseUrl must be an absolute URL")
            .ValidateOnStart();

        services.AddHttpClient(GeminiRestClient.HttpClientName, (sp, http) =>
        {
            var gemini = sp.GetRequiredService<IOptions<GeminiOptions>>().Value;
            http.BaseAddress = new Uri(gemini.BaseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(gemini.TimeoutSeconds);
        });
        services.AddSingleton<GeminiRestClient>();
        services.AddSingleton(sp => new GeminiChatClient(sp.GetRequiredService<GeminiRestClient>(), Chat(sp).Model));
        services.AddSingleton(sp => new GeminiImageGenerator(sp.GetRequiredService<GeminiRestClient>(), Chat(sp).ImageModel));
        return services;
    }

    private static bool UsesGemini(ChatSettings chat) =>
        chat.Provider.Equals(ProviderName, StringComparison.OrdinalIgnoreCase)
        || chat.ImageProvider.Equals(ProviderName, StringComparison.OrdinalIgnoreCase);

    private static ChatSettings Chat(IServiceProvider services) => services.GetRequiredService<IOptions<ChatSettings>>().Value;
}
