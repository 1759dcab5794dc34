using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timmy.Api.Web.OpenApi;

/// <summary>
/// Gives the generated document the shape of the shared spec (<c>spec/openapi.yaml</c>): its info, the
/// <c>/api</c> server with paths relative to it, tag descriptions, and the session macaroon security scheme.
/// </summary>
public sealed class SpecShapeTransformer : IOpenApiDocumentTransformer
{
    public const string BasePath = "/api";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["health"] = "Health operations",
        ["jobs"] = "Payment-gated agent job operations (Mode 1 -- per-job)",
        ["sessions"] = "Pre-funded session balance mode (Mode 2 -- pay once, run many)",
        ["demo"] = "Free demo endpoint (rate-limited)",
        ["gemini"] = "Gemini AI chat and image operations",
        ["web"] = "Helpers for the web page: QR codes and client settings",
        ["dev"] = "Simulated payments (stub backend, outside Production only)",
    };

    private static readonly List<string> TagOrder = [.. TagDescriptions.Keys];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // The spec's title is what generated clients are named after; keep it.
        document.Info = new OpenApiInfo
        {
            Title = "Api",
            Version = "0.1.0",
            Description = "Timmy sells AI work for Bitcoin Lightning payments. Every error is JSON: {\"error\": \"...\"}.",
        };
        document.Servers = [new OpenApiServer { Url = BasePath, Description = "Base API path" }];
        document.Paths = RelativeToBase(document.Paths);

        // The spec's tags first, in its order; then ours.
        var tags = (document.Tags ?? Enumerable.Empty<OpenApiTag>())
            .OrderBy(tag => TagOrder.IndexOf(tag.Name ?? "") is var index and >= 0 ? index : int.MaxValue)
            .ToList();
        foreach (var tag in tags)
        {
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
        }

        document.Tags = new HashSet<OpenApiTag>(tags);

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OpenApiConventions.MacaroonScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Session macaroon issued when a session activates. Pass as `Authorization: Bearer <macaroon>`.",
        };
        document.Components.SecuritySchemes[Boundary.PaidOperationDocs.L402Scheme] = Boundary.PaidOperationDocs.L402;
        document.Components.SecuritySchemes[Boundary.PaidOperationDocs.PaymentScheme] = Boundary.PaidOperationDocs.Payment;
        return Task.CompletedTask;
    }

    private static OpenApiPaths RelativeToBase(OpenApiPaths paths)
    {
        var relative = new OpenApiPaths();
        foreach (var (path, item) in paths)
        {
            relative[path.StartsWith(BasePath + "/", StringComparison.Ordinal) ? path[BasePath.Length..] : path] = item;
        }

        return relative;
    }
}
