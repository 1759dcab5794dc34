using Microsoft.Extensions.Options;

namespace Timmy.Api.OpenAI;

public static class OpenAIRegistration
{
    public static IServiceCollection AddTimmyOpenAI(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenAIOptions>().Bind(configuration.GetSection(OpenAIOptions.Section))
            .Validate(o => OpenAIOptions.Validate(o) is null, "Invalid OpenAI settings: MaxTokens ≥ DefaultMaxTokens ≥ 1 and MaxImagesPerRequest ≥ 1")
            .ValidateOnStart();
        services.AddSingleton<OpenAIModels>();
        services.AddSingleton<CompletionCosts>();
        return services;
    }

    internal static OpenAIOptions Settings(this IServiceProvider services) => services.GetRequiredService<IOptions<OpenAIOptions>>().Value;
}
