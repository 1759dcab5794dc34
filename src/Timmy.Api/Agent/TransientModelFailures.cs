using System.ClientModel;
using System.Net;
using Anthropic.Exceptions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Timmy.Api.Agent;

/// <summary>
/// Tells a provider's bad moment (no connection, a timeout, 408, 409, 429, 5xx, Anthropic's 529 "overloaded") from a
/// refusal that will not change (a bad key, a bad request), for the SDKs Timmy calls models with.
/// </summary>
public static class TransientModelFailures
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        AnthropicApiException api => IsTransient(api.StatusCode),
        AnthropicIOException => true,
        // The resilience pipeline's own answers while a provider is failing (OpenAI-compatible clients).
        BrokenCircuitException or TimeoutRejectedException => true,
        ClientResultException { Status: 0 } => true, // no response at all
        ClientResultException result => IsTransient((HttpStatusCode)result.Status),
        HttpRequestException { StatusCode: { } status } => IsTransient(status),
        HttpRequestException or IOException or TimeoutException or TaskCanceledException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
