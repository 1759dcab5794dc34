using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Chat;

/// <summary>Refuses to start on a provider name that nothing registered, listing the ones that exist.</summary>
internal sealed class ChatSettingsValidation(
    IEnumerable<NamedProvider<IChatClient>> chatProviders,
    IEnumerable<NamedProvider<IImageGenerator>> imageProviders) : IValidateOptions<ChatSettings>
{
    public ValidateOptionsResult Validate(string? name, ChatSettings settings)
    {
        var failures = new List<string>();
        CheckKnown(chatProviders.ToList(), settings.Provider, "Chat:Provider", failures);
        CheckKnown(imageProviders.ToList(), settings.ImageProvider, "Chat:ImageProvider", failures);
        if (settings.MaxTitleChars < 1 || settings.MaxMessageChars < 1 || settings.MaxPromptChars < 1)
        {
            failures.Add("Chat:MaxTitleChars, MaxMessageChars and MaxPromptChars must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckKnown<T>(List<NamedProvider<T>> providers, string chosen, string setting, List<string> failures)
        where T : class
    {
        if (NamedProviders.Find(providers, chosen) is null)
        {
            var known = string.Join(", ", providers.Select(p => $"'{p.Name}'").Distinct());
            failures.Add($"{setting} is '{chosen}'; expected one of {known}");
        }
    }
}
