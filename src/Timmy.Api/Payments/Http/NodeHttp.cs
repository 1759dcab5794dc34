using System.Net.Http.Json;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Timmy.Api.Payments.Http;

/// <summary>
/// HTTP calls to a Lightning node (LNbits, LND) with one rule: whatever goes wrong on the way, the caller
/// sees a <see cref="PaymentBackendException"/> that names the node and the problem, never a raw transport
/// exception. That is what lets job creation answer 503 instead of 500.
/// </summary>
internal static class NodeHttp
{
    private const int MaxErrorTextChars = 200;

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http,
        HttpRequestMessage request,
        string node,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (Exception ex) when (AsBackendFailure(ex, node, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Sends a payment to the node. A failure that certainly stopped the request before it reached the node (no
    /// connection, circuit open) is a plain <see cref="PaymentBackendException"/>; any other (a timeout, a connection
    /// lost mid-call) may have left the node paying, so it is a <see cref="PaymentOutcomeUnknownException"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendPayoutAsync(
        HttpClient http,
        HttpRequestMessage request,
        string node,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await SendAsync(http, request, node, cancellationToken, completion);
        }
        catch (PaymentBackendException ex) when (!NeverSent(ex.InnerException))
        {
            throw OutcomeUnknown(node, ex);
        }
    }

    /// <summary>The exception for a payout the node may still be making.</summary>
    public static PaymentOutcomeUnknownException OutcomeUnknown(string node, Exception ex) =>
        new($"{node} did not say whether the payment went through ({ex.Message})", ex);

    private static bool NeverSent(Exception? ex) => ex is BrokenCircuitException
        or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    /// <summary>Reads a JSON body; an empty, truncated or non-JSON body is the node's fault, not ours.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string node, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(NodeJson.Options, cancellationToken)
                ?? throw new PaymentBackendException($"{node} sent an empty response (HTTP {(int)response.StatusCode})");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new PaymentBackendException($"{node} sent an unreadable response (HTTP {(int)response.StatusCode})", ex);
        }
        catch (Exception ex) when (AsBackendFailure(ex, node, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The node's own words for an error: LNbits' "detail", LND's "message", or the start of the body.</summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return $"HTTP {(int)response.StatusCode}";
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            foreach (var name in new[] { "detail", "message", "error" })
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall back to the raw text.
        }

        text = text.Trim();
        return text.Length == 0 ? $"HTTP {(int)response.StatusCode}"
            : text.Length <= MaxErrorTextChars ? text
            : text[..MaxErrorTextChars] + "…";
    }

    /// <summary>Maps transport failures to a clear message; null for the caller's own cancellation.</summary>
    public static PaymentBackendException? AsBackendFailure(Exception ex, string node, CancellationToken cancellationToken) => ex switch
    {
        PaymentBackendException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        TimeoutRejectedException or OperationCanceledException or TimeoutException =>
            new PaymentBackendException($"{node} did not answer in time", ex),
        BrokenCircuitException =>
            new PaymentBackendException($"{node} keeps failing; calls to it are paused for a moment", ex),
        HttpRequestException or IOException =>
            new PaymentBackendException($"{node} is unreachable: {ex.Message}", ex),
        _ => null,
    };
}
