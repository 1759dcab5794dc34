using System.Runtime.CompilerServices;
using System.Text.Json;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnd;

/// <summary>LND streams server-side RPCs over REST as one JSON object per line.</summary>
internal static class LndStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var item = Parse<T>(line);
            if (item.Error is { } error)
            {
                throw new LndRpcException(error);
            }

            if (item.Result is { } result)
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// The message of an error answer. A streaming route that fails before its first message answers
    /// <c>{"error":{"code","message","details"}}</c> (grpc-gateway's stream error chunk); a unary one
    /// <c>{"code","message","details"}</c>. Anything else is given as its text.
    /// </summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return $"HTTP {(int)response.StatusCode}";
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object)
            {
                root = inner;
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): give the text.
        }

        return text.Length == 0 ? $"HTTP {(int)response.StatusCode}" : text[..Math.Min(text.Length, 300)];
    }

    private static LndStreamLine<T> Parse<T>(string line)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<LndStreamLine<T>>(line, NodeJson.Options)
                ?? throw new PaymentBackendException($"{LndPaymentBackend.Node} streamed an empty line");
        }
        catch (JsonException ex)
        {
            throw new PaymentBackendException($"{LndPaymentBackend.Node} streamed an unreadable line", ex);
        }
    }
}

/// <summary>An error LND sent in place of a result: a gRPC status code and its message.</summary>
internal sealed class LndRpcException(LndError error)
    : PaymentBackendException($"{LndPaymentBackend.Node} stream error: {error.Message ?? "unknown"} (code {error.Code})")
{
    public LndError Error { get; } = error;
}
