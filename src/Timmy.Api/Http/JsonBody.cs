using System.Text.Json;

namespace Timmy.Api.Http;

/// <summary>
/// Reads a JSON object body ourselves rather than through parameter binding, so that every way a
/// body can be wrong (type, size, syntax, shape) gets its own clear 400 message instead of a generic one.
/// </summary>
public static class JsonBody
{
    /// <summary>Bodies past this size are refused before parsing; no endpoint needs more.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Objects and arrays nested deeper than this are refused; no endpoint's body has more than two levels.</summary>
    public const int MaxDepth = 32;

    public static async Task<JsonBodyResult> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJsonContentType(request.ContentType))
        {
            return JsonBodyResult.Fail("Content-Type must be application/json");
        }

        // A compressed body would otherwise be parsed as if it were plain JSON (and fail as "malformed", or worse, pass).
        if (request.Headers.ContentEncoding.Any(coding => !string.Equals(coding?.Trim(), "identity", StringComparison.OrdinalIgnoreCase)))
        {
            return JsonBodyResult.Fail($"Content-Encoding '{request.Headers.ContentEncoding}' is not supported: send the JSON body uncompressed");
        }

        if (request.ContentLength > MaxBytes)
        {
            return JsonBodyResult.Fail($"Request body too large: the limit is {MaxBytes} bytes");
        }

        byte[] bytes;
        try
        {
            bytes = await ReadBoundedAsync(request.Body, cancellationToken);
        }
        catch (BodyTooLargeException)
        {
            return JsonBodyResult.Fail($"Request body too large: the limit is {MaxBytes} bytes");
        }
        catch (BadHttpRequestException ex)
        {
            return JsonBodyResult.Fail($"Unreadable request body: {ex.Message}");
        }

        if (bytes.Length == 0)
        {
            return JsonBodyResult.Fail("Request body is required: send a JSON object");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JsonBodyResult.Fail("Request body must be a JSON object");
            }

            return JsonBodyResult.Ok(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            // System.Text.Json tells a depth overrun only by its message; the JSON itself may be well formed.
            return JsonBodyResult.Fail(ex.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? $"JSON in request body is nested deeper than {MaxDepth} levels"
                : "Malformed JSON in request body");
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new BodyTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class BodyTooLargeException : Exception;
}

public readonly record struct JsonBodyResult(JsonElement Value, string? Error)
{
    public bool IsValid => Error is null;

    public static JsonBodyResult Ok(JsonElement value) => new(value, null);

    public static JsonBodyResult Fail(string error) => new(default, error);
}
