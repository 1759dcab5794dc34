using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using Timmy.Api.Errors;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Web;

/// <summary>
/// <c>GET /api/qr?data=&lt;bolt11&gt;</c>: the invoice as a QR code, drawn here as SVG so the page needs no
/// QR library. It encodes the <c>lightning:</c> URI in upper case, which QR's compact alphanumeric mode covers.
/// </summary>
public static class QrApi
{
    /// <summary>Real invoices are well under this; it keeps the code scannable and the work bounded.</summary>
    public const int MaxDataChars = 2000;

    private const string UriScheme = "lightning:";

    // Bech32 invoices are letters and digits; the stub's also contain '_'.
    private static readonly SearchValues<char> InvoiceChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public static void MapQrApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/qr", DrawQr)
            .WithTags("web")
            .WithName("invoiceQr")
            .WithSummary("A Lightning invoice as an SVG QR code")
            .WithQueryParameter("data", "The BOLT11 invoice, optionally prefixed with lightning:")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");
    }

    private static Results<ContentHttpResult, BadRequest<ApiError>> DrawQr(HttpRequest request, HttpResponse response)
    {
        var data = request.Query["data"];
        if (data.Count != 1 || string.IsNullOrEmpty(data[0]))
        {
            return ApiErrors.BadRequest("Invalid request: give the 'data' query param (a Lightning invoice) once");
        }

        var invoice = StripScheme(data[0]!);
        if (invoice.Length == 0 || invoice.Length > MaxDataChars)
        {
            return ApiErrors.BadRequest($"Invalid request: 'data' must be 1 to {MaxDataChars} characters");
        }

        if (invoice.AsSpan().ContainsAnyExcept(InvoiceChars))
        {
            return ApiErrors.BadRequest("Invalid request: 'data' must be a Lightning invoice (letters, digits and '_' only)");
        }

        // The image depends on nothing but the query, so any cache may keep it.
        response.Headers.CacheControl = "public, max-age=86400, immutable";
        // Opened on its own, the SVG may draw but never run anything.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return TypedResults.Text(Svg((UriScheme + invoice).ToUpperInvariant()), "image/svg+xml");
    }

    private static string StripScheme(string data) =>
        data.StartsWith(UriScheme, StringComparison.OrdinalIgnoreCase) ? data[UriScheme.Length..] : data;

    private static string Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(code).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
