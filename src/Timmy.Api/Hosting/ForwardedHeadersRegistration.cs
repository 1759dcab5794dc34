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

    /// <summary>Accepts a JSON array in appsettings or a comma-separated string from an environment variable.</summary>
    private static IEnumerable<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection($"{Section}:{key}");
        var items = section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? string.Empty);
        return items.Select(s => s.Trim()).Where(s => s.Length > 0);
    }
}
