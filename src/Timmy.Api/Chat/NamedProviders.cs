namespace Timmy.Api.Chat;

/// <summary>An implementation that a setting picks by name, such as "offline" or "gemini".</summary>
public sealed record NamedProvider<T>(string Name, Func<IServiceProvider, T> Create)
    where T : class;

/// <summary>
/// A provider is plugged in with one line, <c>services.AddNamedProvider&lt;IChatClient&gt;("name", sp =&gt; ...)</c>,
/// and chosen in configuration; registering a name again replaces the earlier one.
/// </summary>
public static class NamedProviders
{
    public static IServiceCollection AddNamedProvider<T>(this IServiceCollection services, string name, Func<IServiceProvider, T> create)
        where T : class =>
        services.AddSingleton(new NamedProvider<T>(name, create));

    public static T CreateNamed<T>(this IServiceProvider services, string name)
        where T : class
    {
        var provider = Find<T>(services.GetServices<NamedProvider<T>>(), name)
            ?? throw new InvalidOperationException($"No {typeof(T).Name} provider is named '{name}'");
        return provider.Create(services);
    }

    public static NamedProvider<T>? Find<T>(IEnumerable<NamedProvider<T>> providers, string name)
        where T : class =>
        providers.LastOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
