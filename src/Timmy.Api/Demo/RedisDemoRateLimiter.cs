using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Timmy.Api.Demo;

/// <summary>
/// The demo limit shared by every instance through Redis: one counter per client and one for all clients, each
/// expiring with its window (so Redis holds at most about two windows' worth of the global budget in client keys).
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
    // Returns {refusal, count, ttl-ms, global count, global ttl-ms}; refusal 0 = allowed, 1 = the client's, 2 = the global
    // budget. Counting only when both allow keeps rejected bursts from extending or using up anything.
    private static readonly LuaScript Acquire = LuaScript.Prepare("""
        local count = tonumber(redis.call('GET', @key) or '0')
        local gcount = tonumber(redis.call('GET', @globalKey) or '0')
        local glimit = tonumber(@globalLimit)
        local refusal = 0
        if count >= tonumber(@limit) then
          refusal = 1
        elseif glimit > 0 and gcount >= glimit then
          refusal = 2
        end
        if refusal == 0 and tonumber(@take) == 1 then
          count = redis.call('INCR', @key)
          if count == 1 then
            redis.call('PEXPIRE', @key, @windowMs)
          end
          gcount = redis.call('INCR', @globalKey)
          if gcount == 1 then
            redis.call('PEXPIRE', @globalKey, @windowMs)
          end
        end
        return {refusal, count, redis.call('PTTL', @key), gcount, redis.call('PTTL', @globalKey)}
        """);

    private readonly DemoOptions _options = options.Value;

    public ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken) =>
        DecideAsync(clientKey, take: true, cancellationToken);

    public ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken) =>
        DecideAsync(clientKey, take: false, cancellationToken);

    private async ValueTask<RateLimitDecision> DecideAsync(string clientKey, bool take, CancellationToken cancellationToken)
    {
        var limit = _options.RequestsPerWindow;
        var globalLimit = _options.GlobalRequestsPerWindow;
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Acquire, new
            {
                key = (RedisKey)(_options.RedisKeyPrefix + clientKey),
                // Client keys are addresses or "unknown", never this.
                globalKey = (RedisKey)(_options.RedisKeyPrefix + "@global"),
                take = take ? 1 : 0,
                limit,
                globalLimit,
                windowMs = (long)_options.Window.TotalMilliseconds,
            }))!;
            var refusal = (int)result[0];
            var now = clock.GetUtcNow();
            var resetAt = ResetAt(now, (long)result[2]);
            if (refusal != 0)
            {
                return refusal == 1
                    ? RateLimitDecision.Refused(limit, resetAt, DemoRefusal.Client)
                    : RateLimitDecision.Refused(limit, ResetAt(now, (long)result[4]), DemoRefusal.Global);
            }

            var remaining = limit - (int)result[1];
            if (globalLimit > 0)
            {
                remaining = Math.Min(remaining, globalLimit - (int)result[3]);
            }

            return new RateLimitDecision(true, limit, Math.Max(0, remaining), resetAt);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RedisConnectionException)
        {
            LogRedisUnavailable(ex);
            return take ? await fallback.TryAcquireAsync(clientKey, cancellationToken) : await fallback.PeekAsync(clientKey, cancellationToken);
        }
    }

    private DateTimeOffset ResetAt(DateTimeOffset now, long ttlMs) => now + (ttlMs > 0 ? TimeSpan.FromMilliseconds(ttlMs) : _options.Window);

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable; using this instance's own demo limit")]
    private partial void LogRedisUnavailable(Exception ex);
}
