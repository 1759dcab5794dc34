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

    public static async Task<JsonBodyResult> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJsonContentType(request.ContentType))
        {
            return JsonBodyResult.Fail("Content-Type must be application/json");
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
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JsonBodyResult.Fail("Request body must be a JSON object");
            }

            return JsonBodyResult.Ok(document.RootElement.Clone());
        }
        catch (JsonException)
        {
            return JsonBodyResult.Fail("Malformed JSON in request body");
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
