using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Timmy.Api.Demo;

/// <summary>
/// The demo limit shared by every instance through Redis: one counter per client whose expiry is the window.
/// A Lua script checks and counts in one step, so bursts across instances still let exactly the limit through.
/// If Redis cannot be reached, each instance falls back to its own in-memory limit rather than no limit.
/// </summary>
public sealed partial class RedisDemoRateLimiter(
    IConnectionMultiplexer redis,
    InMemoryDemoRateLimiter fallback,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<RedisDemoRateLimiter> logger) : IDemoRateLimiter
{
    // Returns {allowed, count, ttl-ms}. Counting only when under the limit keeps rejected bursts from extending anything.
    private static readonly LuaScript Acquire = LuaScript.Prepare("""
        local count = tonumber(redis.call('GET', @key) or '0')
        if tonumber(@take) == 1 then
          if count >= tonumber(@limit) then
            return {0, count, redis.call('PTTL', @key)}
          end
          count = redis.call('INCR', @key)
          if count == 1 then
            redis.call('PEXPIRE', @key, @windowMs)
          end
        end
        return {1, count, redis.call('PTTL', @key)}
        """);

    private readonly DemoOptions _options = options.Value;

    public ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken) =>
        DecideAsync(clientKey, take: true, cancellationToken);

    public ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken) =>
        DecideAsync(clientKey, take: false, cancellationToken);

    private async ValueTask<RateLimitDecision> DecideAsync(string clientKey, bool take, CancellationToken cancellationToken)
    {
        var limit = _options.RequestsPerWindow;
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Acquire, new
            {
                key = (RedisKey)(_options.RedisKeyPrefix + clientKey),
                take = take ? 1 : 0,
                limit,
                windowMs = (long)_options.Window.TotalMilliseconds,
            }))!;
            var allowed = (int)result[0] == 1;
            var count = (int)result[1];
            var ttlMs = (long)result[2];
            var resetAt = clock.GetUtcNow() + (ttlMs > 0 ? TimeSpan.FromMilliseconds(ttlMs) : _options.Window);
            return new RateLimitDecision(allowed && count <= limit, limit, Math.Max(0, limit - count), resetAt);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RedisConnectionException)
        {
            LogRedisUnavailable(ex);
            return take ? await fallback.TryAcquireAsync(clientKey, cancellationToken) : await fallback.PeekAsync(clientKey, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable; using this instance's own demo limit")]
    private partial void LogRedisUnavailable(Exception ex);
}
