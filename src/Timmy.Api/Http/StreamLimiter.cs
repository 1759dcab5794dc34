using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Timmy.Api.Errors;

namespace Timmy.Api.Http;

/// <summary>
/// <c>Streams:MaxPerClient</c>: how many streams one client (<see cref="ClientKey"/>) holds open at once, counted together
/// across job events, chat replies and streamed /v1 completions. A stream holds its permit until its response ends.
/// Taken in code rather than as a route policy because /v1/chat/completions streams only when its body asks, and a
/// plain completion is not a stream.
/// </summary>
public sealed class StreamLimiter(IOptions<StreamsOptions> options) : IDisposable
{
    /// <summary>A stream ends when its answer does; a few seconds is an honest hint of when a place may free up.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        options.Value.MaxPerClient <= 0
            ? RateLimitPartition.GetNoLimiter(string.Empty)
            : RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.Value.MaxPerClient,
                QueueLimit = 0,
            }));

    /// <summary>
    /// Null when this request may stream: it holds a permit until its response ends. Otherwise why not, with
    /// <c>Retry-After</c> set.
    /// </summary>
    public string? Hold(HttpContext http)
    {
        var lease = _limiter.AttemptAcquire(ClientKey.For(http));
        if (lease.IsAcquired)
        {
            http.Response.RegisterForDispose(lease);
            return null;
        }

        lease.Dispose();
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return $"Too many open streams: at most {options.Value.MaxPerClient} per client at once. Close one and try again";
    }

    public void Dispose() => _limiter.Dispose();
}

public static class StreamLimits
{
    /// <summary>Every answer of the endpoint is a stream of the client's, within <c>Streams:MaxPerClient</c>; over it, a 429.</summary>
    public static RouteHandlerBuilder RequireStreamPermit(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<StreamLimiter>().Hold(context.HttpContext) is { } refusal
                ? ApiErrors.Status(StatusCodes.Status429TooManyRequests, refusal)
                : await next(context));
}
