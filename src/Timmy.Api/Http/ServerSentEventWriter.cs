using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Timmy.Api.Http;

/// <summary>
/// Writes server-sent events (<c>event: &lt;type&gt;</c>, <c>data: &lt;json&gt;</c>, a blank line) straight into the
/// response's pipe and flushes each one, so the client sees it at once. Between events it holds nothing: no
/// buffer of its own, no enumerator, which matters with thousands of job streams open at once.
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

    /// <summary>An unnamed event whose data is <paramref name="payload"/> as JSON.</summary>
    public Task WriteAsync(object payload, CancellationToken cancellationToken) =>
        WriteAsync(eventType: null, JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json), cancellationToken);

    /// <summary>
    /// One event of <paramref name="eventType"/> (none when null) carrying <paramref name="json"/>, which must be
    /// one line: System.Text.Json writes no line breaks unless asked to indent.
    /// </summary>
    public async Task WriteAsync(string? eventType, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var writer = _response.BodyWriter;
        if (eventType is not null)
        {
            writer.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventType.AsSpan(), writer);
            writer.Write("\n"u8);
        }

        writer.Write("data: "u8);
        writer.Write(json.Span);
        writer.Write("\n\n"u8);
        await writer.FlushAsync(cancellationToken);
    }
}
