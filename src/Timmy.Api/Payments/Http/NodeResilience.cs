using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Timmy.Api.Payments.Http;

/// <summary>
/// Timeouts, retries with backoff and a circuit breaker for every call to the Lightning node. Paying an
/// invoice is marked <see cref="NoRetry"/>: a retried payment after a lost answer must be a human's decision.
/// </summary>
internal static class NodeResilience
{
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("timmy.no-retry");

    public static IHttpClientBuilder AddNodeResilience(this IHttpClientBuilder builder, LightningOptions lightning)
    {
        builder.AddStandardResilienceHandler(options =>
        {
            var attempt = lightning.RequestTimeout;
            options.AttemptTimeout.Timeout = attempt;
            options.TotalRequestTimeout.Timeout = attempt * (lightning.MaxRetries + 1) + TimeSpan.FromSeconds(1);
            options.Retry.MaxRetryAttempts = Math.Max(lightning.MaxRetries, 0);
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.BackoffType = DelayBackoffType.Exponential;
            var isTransient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = args =>
                args.Context.GetRequestMessage()?.Options.TryGetValue(NoRetry, out var noRetry) == true && noRetry
                    ? ValueTask.FromResult(false)
                    : isTransient(args);
            // The breaker needs a sampling window at least twice the attempt timeout.
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, attempt.Ticks * 2));
            options.CircuitBreaker.MinimumThroughput = 20;
            options.CircuitBreaker.FailureRatio = 0.5;
            options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        });
        return builder;
    }
}
