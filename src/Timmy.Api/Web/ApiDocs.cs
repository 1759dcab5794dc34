using Microsoft.AspNetCore.OpenApi;
using Scalar.AspNetCore;
using Timmy.Api.Chat;
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

    /// <summary>Types whose schema the shared spec names differently from the type.</summary>
    private static readonly Dictionary<Type, string> SpecNames = new()
    {
        [typeof(ApiError)] = OpenApiConventions.ErrorSchemaName,
        [typeof(ConversationResponse)] = "GeminiConversation",
        [typeof(ConversationWithMessagesResponse)] = "GeminiConversationWithMessages",
        [typeof(MessageResponse)] = "GeminiMessage",
        [typeof(GeneratedImageResponse)] = "GenerateGeminiImageResponse",
    };

    /// <summary>Schema names follow the shared spec's component names.</summary>
    private static string? SchemaName(System.Text.Json.Serialization.Metadata.JsonTypeInfo type) =>
        SpecNames.TryGetValue(type.Type, out var name) ? name : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
}
