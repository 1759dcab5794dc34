using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Timmy.Api.Hosting;

namespace Timmy.Api.Health;

public static class HealthApi
{
    public sealed record HealthStatus(string Status);

    public static IServiceCollection AddTimmyReadiness(this IServiceCollection services)
    {
        services.AddHttpClient();
        services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: ["ready"])
            .AddCheck<LightningReadiness>("lightning", tags: ["ready"])
            .AddCheck<AgentReadiness>("ai", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// <c>/api/healthz</c> is liveness only: it answers as long as the process serves HTTP.
    /// <c>/api/readyz</c> checks the database, the Lightning backend and the AI provider: 200 or 503, with each result
    /// where details may be shown (see <see cref="ManagementSurface"/>); elsewhere only the status, since the details
    /// name hosts and carry the backends' error text.
    /// </summary>
    public static void MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/healthz", () => TypedResults.Ok(new HealthStatus("ok"))).WithTags("health").WithName("healthCheck").WithSummary("Health check");
        routes.MapHealthChecks("/api/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadinessAsync,
        }).WithTags("health");
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        // The public answer is only whether to send traffic: degraded (e.g. pricing at the fallback) still serves.
        var status = report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy ? "unavailable" : "ready";
        if (!context.RequestServices.GetRequiredService<ManagementSurface>().MayShowDetails(context))
        {
            return context.Response.WriteAsync(JsonSerializer.Serialize(new HealthStatus(status), JsonSerializerOptions.Web));
        }

        var body = new
        {
            // Degraded (e.g. pricing at the fallback) still serves, with a 200.
            status = report.Status switch
            {
                Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy => "ready",
                Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded => "degraded",
                _ => "unavailable",
            },
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString().ToLowerInvariant(), detail = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
