using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Timmy.Api.Hosting;

/// <summary>
/// X-Forwarded-For is honoured only from proxies named in configuration. With none named the middleware
/// is not installed at all, because ASP.NET Core trusts every peer when both lists are empty.
/// </summary>
public static class ForwardedHeadersRegistration
{
    private const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = ReadList(configuration, "KnownProxies").Select(IPAddress.Parse).ToList();
        var networks = ReadList(configuration, "KnownNetworks").Select(System.Net.IPNetwork.Parse).ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return services;
    }

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IConfiguration configuration)
    {
        var anyTrusted = ReadList(configuration, "KnownProxies").Any() || ReadList(configuration, "KnownNetworks").Any();
        return anyTrusted ? app.UseForwardedHeaders() : app;
    }

    /// <summary>
    /// Accepts a comma-separated value (<c>ForwardedHeaders__KnownProxies=a,b</c>), the array form
    /// (<c>ForwardedHeaders__KnownProxies__0=a</c>, or a JSON array), or both. The empty array in appsettings.json
    /// reads as an empty value beside any indexed items, so both are read, never one instead of the other.
    /// </summary>
    private static IEnumerable<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection($"{Section}:{key}");
        var items = (section.Value ?? string.Empty).Split(',')
            .Concat(section.GetChildren().SelectMany(child => (child.Value ?? string.Empty).Split(',')));
        return items.Select(s => s.Trim()).Where(s => s.Length > 0);
    }
}
