namespace Timmy.Api.Health;

public static class HealthApi
{
    public sealed record HealthStatus(string Status);

    /// <summary>Liveness only: answers as long as the process serves HTTP.</summary>
    public static void MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/healthz", () => TypedResults.Ok(new HealthStatus("ok"))).WithTags("health").WithName("healthCheck").WithSummary("Health check");
    }
}
