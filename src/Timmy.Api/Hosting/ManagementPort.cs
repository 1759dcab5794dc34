namespace Timmy.Api.Hosting;

/// <summary>
/// Where the operator's endpoints are served. The surface is closed in Production, or wherever <c>Management:Urls</c>
/// is set: then <c>/metrics</c> and the detailed readiness report answer only on the management ports, which serve
/// nothing else, and the public <c>/api/readyz</c> says only ready or not. Otherwise (development) all is public.
/// </summary>
public sealed class ManagementSurface(bool isClosed, IReadOnlySet<int> ports)
{
    public const string Section = "Management";
    public const string MetricsPath = "/metrics";

    /// <summary>What a management port answers; everything else there is a 404.</summary>
    private static readonly string[] ManagementPaths = [MetricsPath, "/api/readyz", "/api/healthz"];

    public bool IsClosed { get; } = isClosed;

    public bool IsManagementRequest(HttpContext http) => ports.Contains(http.Connection.LocalPort);

    public bool MayShowDetails(HttpContext http) => !IsClosed || IsManagementRequest(http);

    /// <summary>Whether this request may reach its endpoint at all on the port it came in on.</summary>
    public bool Admits(HttpContext http)
    {
        if (!IsClosed)
        {
            return true;
        }

        var path = http.Request.Path;
        return IsManagementRequest(http)
            ? ManagementPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase))
            : !path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
    }
}

public static class ManagementPort
{
    /// <summary>
    /// Listens on <c>Management:Urls</c> as well as the public URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c>, or Kestrel's default), and registers the <see cref="ManagementSurface"/>.
    /// </summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        var management = Split(builder.Configuration[$"{ManagementSurface.Section}:Urls"]);
        var ports = management.Select(PortOf).Where(port => port > 0).ToHashSet();
        var closed = builder.Environment.IsProduction() || management.Length > 0;
        builder.Services.AddSingleton(new ManagementSurface(closed, ports));
        if (management.Length > 0)
        {
            builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), .. management]);
        }

        return builder;
    }

    /// <summary>Turns requests away from the port they may not use, as the usual JSON 404 (see JsonErrorHandling).</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        var surface = app.ApplicationServices.GetRequiredService<ManagementSurface>();
        if (!surface.IsClosed)
        {
            return app;
        }

        return app.Use((http, next) =>
        {
            if (surface.Admits(http))
            {
                return next(http);
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>The URLs Kestrel would use were no management URL added (setting any URL turns the others off).</summary>
    private static string[] PublicUrls(IConfiguration configuration)
    {
        if (Split(configuration[WebHostDefaults.ServerUrlsKey]) is { Length: > 0 } urls)
        {
            return urls;
        }

        return Split(configuration[WebHostDefaults.HttpPortsKey]) is { Length: > 0 } httpPorts
            ? [.. httpPorts.Select(port => $"http://*:{port}")]
            : ["http://localhost:5000"];
    }

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split(';', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int PortOf(string url) => BindingAddress.Parse(url).Port;
}
