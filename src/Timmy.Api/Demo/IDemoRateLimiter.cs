namespace Timmy.Api.Demo;

/// <summary>Counts demo requests per client in fixed windows: in this process, or shared through Redis (see <see cref="DemoRegistration"/>).</summary>
public interface IDemoRateLimiter
{
    /// <summary>Takes one request from the client's allowance, if any is left.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken);

    /// <summary>Reports the allowance without taking from it (for requests that are refused before running).</summary>
    ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken);
}

public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, DateTimeOffset ResetAt);
