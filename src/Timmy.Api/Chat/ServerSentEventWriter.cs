using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Timmy.Api.Chat;

/// <summary>
/// Writes <c>data: &lt;json&gt;</c> events, each followed by a blank line, and flushes every one so the
/// client sees each chunk as soon as the model produces it.
/// </summary>
internal sealed class ServerSentEventWriter
{
    public const string MediaType = "text/event-stream";

    /// <summary>Web defaults, but quotes and apostrophes stay readable: an event stream is never embedded in HTML.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpResponse _response;

    private ServerSentEventWriter(HttpResponse response) => _response = response;

    public static async Task<ServerSentEventWriter> StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType;
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies such as nginx would otherwise hold the chunks back.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        return new ServerSentEventWriter(response);
    }

    public async Task WriteAsync(object payload, CancellationToken cancellationToken)
    {
        var writer = _response.BodyWriter;
        writer.Write("data: "u8);
        writer.Write(JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json));
        writer.Write("\n\n"u8);
        await writer.FlushAsync(cancellationToken);
    }
}
