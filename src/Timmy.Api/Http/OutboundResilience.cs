using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Timmy.Api.Http;

/// <summary>
/// Timeouts, retries with exponential backoff and a circuit breaker for an outbound HttpClient (Lightning
/// nodes, OpenAI-compatible model servers). A request marked <see cref="NoRetry"/> is tried once: paying an
/// invoice again after a lost answer must be a human's decision.
/// </summary>
public static class OutboundResilience
{
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("timmy.no-retry");

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    public static IHttpClientBuilder AddOutboundResilience(this IHttpClientBuilder builder, TimeSpan attemptTimeout, int maxRetries)
    {
        builder.AddStandardResilienceHandler(options =>
        {
            options.AttemptTimeout.Timeout = attemptTimeout;
            options.TotalRequestTimeout.Timeout = attemptTimeout * (maxRetries + 1) + FirstRetryDelay * (1 << Math.Max(maxRetries, 0));
            // Polly needs at least one retry attempt; "no retries" is expressed by never handling.
            options.Retry.MaxRetryAttempts = Math.Max(maxRetries, 1);
            options.Retry.Delay = FirstRetryDelay;
            options.Retry.BackoffType = DelayBackoffType.Exponential;
            var isTransient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = args =>
                maxRetries > 0 && !IsMarkedNoRetry(args.Context) ? isTransient(args) : ValueTask.FromResult(false);
            // Polly requires the breaker's sampling window to be at least twice the attempt timeout.
            options.CircuitBreaker.SamplingDuration = Max(TimeSpan.FromSeconds(30), attemptTimeout * 2);
            options.CircuitBreaker.MinimumThroughput = 20;
            options.CircuitBreaker.FailureRatio = 0.5;
            options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        });
        return builder;
    }

    private static bool IsMarkedNoRetry(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(NoRetry, out var noRetry) == true && noRetry;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
