using Microsoft.OpenApi;
using Timmy.Api.Errors;

namespace Timmy.Api.Web.OpenApi;

/// <summary>
/// OpenAPI metadata for handlers that read their input by hand. These only describe the endpoint: unlike
/// <c>.Accepts&lt;T&gt;()</c>, nothing here takes part in routing, so a wrong Content-Type still gets the handler's 400.
/// </summary>
public static class OpenApiConventions
{
    public const string MacaroonScheme = "sessionMacaroon";

    /// <summary>The component name of <see cref="ApiError"/>, as the spec calls it.</summary>
    public const string ErrorSchemaName = "ErrorResponse";

    /// <summary>Documents a required JSON body of type <typeparamref name="T"/>, as a component named after the type.</summary>
    public static RouteHandlerBuilder WithJsonRequestBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var name = typeof(T).Name;
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            context.Document!.AddComponent(name, schema);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, context.Document) },
                },
            };
        });

    /// <summary>Documents a required string query parameter that the handler reads itself.</summary>
    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder builder, string name, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = true,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });

    /// <summary>Declares JSON error responses (<c>{"error": "..."}</c>) with these status codes.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.Produces<ApiError>(status);
        }

        return builder;
    }

    /// <summary>
    /// Documents the JSON errors of these endpoints under another component name, as the spec does for a feature
    /// whose errors it names separately (gemini's <c>GeminiError</c>). The shape is <see cref="ApiError"/>'s, as on the wire.
    /// </summary>
    public static TBuilder WithErrorSchemaName<TBuilder>(this TBuilder builder, string name)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var errorResponses = (operation.Responses ?? []).Values
                .SelectMany(response => (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
                .Where(media => media.Schema is OpenApiSchemaReference { Reference.Id: ErrorSchemaName })
                .ToList();
            if (errorResponses.Count == 0)
            {
                return;
            }

            var schema = await context.GetOrCreateSchemaAsync(typeof(ApiError), null, cancellationToken);
            context.Document!.AddComponent(name, schema);
            foreach (var media in errorResponses)
            {
                media.Schema = new OpenApiSchemaReference(name, context.Document);
            }
        });

    /// <summary>
    /// Describes a path parameter as an integer. The handler takes it as a string and parses it itself, so that
    /// anything else gets its JSON 400 rather than a routing 404.
    /// </summary>
    public static TBuilder WithIntegerPathParameter<TBuilder>(this TBuilder builder, string name)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                if (parameter.In == ParameterLocation.Path && parameter.Name == name)
                {
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" };
                }
            }

            return Task.CompletedTask;
        });

    /// <summary>Documents a required string path parameter that a filter reads rather than a handler parameter.</summary>
    public static TBuilder WithPathParameter<TBuilder>(this TBuilder builder, string name)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Insert(0, new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });

    /// <summary>Documents a 200 <c>text/event-stream</c> response; the events themselves have no schema in the spec.</summary>
    public static RouteHandlerBuilder ProducesEventStream(this RouteHandlerBuilder builder, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["text/event-stream"] = new() },
            };
            return Task.CompletedTask;
        });

    /// <summary>Marks the endpoint as needing <c>Authorization: Bearer &lt;macaroon&gt;</c>.</summary>
    public static TBuilder RequiresMacaroon<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            // The seed's bearer macaroon, or a credential of the payment boundary for the same session (alternatives).
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(MacaroonScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Boundary.PaidOperationDocs.L402Scheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Boundary.PaidOperationDocs.PaymentScheme, context.Document)] = [] },
            ];
            return Task.CompletedTask;
        });

    /// <summary>Adds the X-RateLimit-* headers to every documented response.</summary>
    public static RouteHandlerBuilder WithRateLimitHeaders(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["X-RateLimit-Limit"] = IntegerHeader("Requests allowed per window");
                response.Headers["X-RateLimit-Remaining"] = IntegerHeader("Requests remaining in the current window");
                response.Headers["X-RateLimit-Reset"] = IntegerHeader("Unix epoch seconds when the window resets");
            }

            return Task.CompletedTask;
        });

    private static OpenApiHeader IntegerHeader(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
}
