namespace Timmy.Api.Demo;

/// <summary>Counts demo requests per client and for all clients in fixed windows: in this process, or shared through Redis (see <see cref="DemoRegistration"/>).</summary>
public interface IDemoRateLimiter
{
    /// <summary>Takes one request from the client's allowance and the global budget, if both have any left.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken);

    /// <summary>Reports the allowance without taking from it (for requests that are refused before running).</summary>
    ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken);
}

/// <summary>Why a demo request was refused.</summary>
public enum DemoRefusal
{
    None,

    /// <summary>This client used its allowance for the window.</summary>
    Client,

    /// <summary>All clients together used the global budget for the window.</summary>
    Global,

    /// <summary>The limiter remembers as many clients as it may; a new one waits for a window to end.</summary>
    TooManyClients,
}

/// <summary>What the X-RateLimit-* headers say: <paramref name="Remaining"/> is the smaller of the client's and the global allowance.</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, DateTimeOffset ResetAt, DemoRefusal Refusal = DemoRefusal.None)
{
    public static RateLimitDecision Refused(int limit, DateTimeOffset resetAt, DemoRefusal why) => new(false, limit, 0, resetAt, why);
}
