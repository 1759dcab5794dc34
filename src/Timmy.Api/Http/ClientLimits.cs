using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Timmy.Api.Errors;

namespace Timmy.Api.Http;

/// <summary><c>CreationRateLimit:*</c>: how many jobs and sessions one client may create per minute.</summary>
public sealed class CreationRateLimitOptions
{
    public const string Section = "CreationRateLimit";

    /// <summary>Per client (see <see cref="ClientKey"/>) and minute; 0 turns the limit off. Each creation costs a node invoice.</summary>
    public int PermitsPerMinute { get; set; } = 60;
}

/// <summary><c>Streams:*</c>: how many streams (job events, chat replies, streamed /v1 completions) one client may hold open at once.</summary>
public sealed class StreamsOptions
{
    public const string Section = "Streams";

    /// <summary>Per client (see <see cref="ClientKey"/>); 0 turns the cap off.</summary>
    public int MaxPerClient { get; set; } = 8;
}

/// <summary>
/// Per-client limits, partitioned by <see cref="ClientKey"/>: a fixed window on creating jobs and sessions, through
/// ASP.NET Core's rate limiter, and a concurrency cap on streams (<see cref="StreamLimiter"/>). Refusals are the API's
/// usual JSON error with a 429 and <c>Retry-After</c>. Idle partitions are dropped by the limiters themselves.
/// </summary>
public static class ClientLimits
{
    public const string CreationPolicy = "creation";

    public static IServiceCollection AddTimmyClientLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CreationRateLimitOptions>(configuration.GetSection(CreationRateLimitOptions.Section));
        services.Configure<StreamsOptions>(configuration.GetSection(StreamsOptions.Section));
        services.AddSingleton<CreationLimiter>();
        services.AddSingleton<StreamLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(CreationPolicy, http => CreationPartition(
                ClientKey.For(http), http.RequestServices.GetRequiredService<IOptions<CreationRateLimitOptions>>().Value.PermitsPerMinute));
            limiter.OnRejected = WriteRefusalAsync;
        });
        return services;
    }

    private static async ValueTask WriteRefusalAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var permits = http.RequestServices.GetRequiredService<IOptions<CreationRateLimitOptions>>().Value.PermitsPerMinute;
        var message = $"Rate limit exceeded: at most {permits} jobs or sessions created per minute per client" + RetryAfter(http, context.Lease);
        await JsonErrorHandling.WriteAsync(http, StatusCodes.Status429TooManyRequests, message);
    }

    /// <summary>One client's creation window: <paramref name="permitsPerMinute"/> a minute, none queued; 0 or less is no limit.</summary>
    public static RateLimitPartition<string> CreationPartition(string client, int permitsPerMinute) =>
        permitsPerMinute <= 0
            ? RateLimitPartition.GetNoLimiter(string.Empty)
            : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });

    /// <summary>Sets Retry-After from a refused lease; returns the sentence that tells the client, or "" when the lease names no wait.</summary>
    public static string RetryAfter(HttpContext http, RateLimitLease lease)
    {
        if (!lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            return "";
        }

        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $". Try again in {seconds} s";
    }
}
