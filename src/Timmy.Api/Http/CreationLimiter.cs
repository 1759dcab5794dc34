using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Http;

/// <summary>
/// <c>CreationRateLimit:PermitsPerMinute</c> applied where a route creates only sometimes: a paid route's 402 opens a
/// balance and asks the node for an invoice, but a paid call does not, so the limit is taken in code when a challenge
/// is issued rather than on the route. Its own fixed window per <see cref="ClientKey"/>, of the same size.
/// </summary>
public sealed class CreationLimiter(IOptions<CreationRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        PartitionedRateLimiter.Create<string, string>(client => ClientLimits.CreationPartition(client, options.Value.PermitsPerMinute));

    /// <summary>Null when this client may open another balance now; otherwise why not (and Retry-After is set).</summary>
    public string? Refusal(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(ClientKey.For(http));
        return lease.IsAcquired
            ? null
            : $"Rate limit exceeded: at most {options.Value.PermitsPerMinute} balances opened by 402 challenges per minute per client; " +
              "pay a challenge already issued" + ClientLimits.RetryAfter(http, lease);
    }

    public void Dispose() => _limiter.Dispose();
}
