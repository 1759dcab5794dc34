using Microsoft.AspNetCore.OpenApi;
using Scalar.AspNetCore;
using Timmy.Api.Errors;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Web;

/// <summary>The OpenAPI document generated from the endpoints (<c>/api/openapi.json</c>) and Scalar's docs on it (<c>/api/docs</c>).</summary>
public static class ApiDocs
{
    public const string DocumentPath = "/api/openapi.json";
    public const string DocsPath = "/api/docs";

    public static IServiceCollection AddTimmyApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = SchemaName;
            options.AddSchemaTransformer<WireSchemaTransformer>();
            options.AddDocumentTransformer<SpecShapeTransformer>();
        });

    public static void MapTimmyApiDocs(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi(DocumentPath);
        routes.MapScalarApiReference(DocsPath, options => options
            .WithTitle("Timmy API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .HideDeveloperTools()
            .DisableAgent()
            .DisableTelemetry());
    }

    /// <summary>Schema names follow the shared spec's component names.</summary>
    private static string? SchemaName(System.Text.Json.Serialization.Metadata.JsonTypeInfo type) =>
        type.Type == typeof(ApiError) ? "ErrorResponse" : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
}
