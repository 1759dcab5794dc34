using Microsoft.AspNetCore.StaticFiles;

namespace Timmy.Api.Web;

/// <summary>Response headers for the page's own files.</summary>
public static class PageHeaders
{
    // The page loads only its own scripts, styles and QR images; nothing inline, nothing from elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static void Apply(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Files are small and change with each deploy; revalidating keeps the page and its scripts in step.
        headers.CacheControl = "no-cache";
        if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
        }
    }
}
