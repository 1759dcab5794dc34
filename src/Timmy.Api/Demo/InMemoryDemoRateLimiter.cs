using Microsoft.Extensions.Options;

namespace Timmy.Api.Demo;

/// <summary>
/// A fixed window per client that opens with the client's first request. A lock per process keeps the
/// count exact under bursts; the work inside it is a dictionary lookup, so contention is negligible.
/// </summary>
public sealed class InMemoryDemoRateLimiter(IOptions<DemoOptions> options, TimeProvider clock) : IDemoRateLimiter
{
    /// <summary>Expired windows are swept once the table grows past this, so memory stays bounded.</summary>
    private const int SweepThreshold = 10_000;

    private readonly DemoOptions _options = options.Value;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Decide(clientKey, take: true));

    public ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Decide(clientKey, take: false));

    private RateLimitDecision Decide(string clientKey, bool take)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(clientKey, out var window) || now >= window.ResetAt)
            {
                window = new Window(now + _options.Window, 0);
                if (take)
                {
                    SweepIfLarge(now);
                    _windows[clientKey] = window;
                }
            }

            var limit = _options.RequestsPerWindow;
            if (!take)
            {
                return new RateLimitDecision(window.Count < limit, limit, Math.Max(0, limit - window.Count), window.ResetAt);
            }

            if (window.Count >= limit)
            {
                return new RateLimitDecision(false, limit, 0, window.ResetAt);
            }

            window = window with { Count = window.Count + 1 };
            _windows[clientKey] = window;
            return new RateLimitDecision(true, limit, limit - window.Count, window.ResetAt);
        }
    }

    private void SweepIfLarge(DateTimeOffset now)
    {
        if (_windows.Count < SweepThreshold)
        {
            return;
        }

        foreach (var expired in _windows.Where(pair => now >= pair.Value.ResetAt).Select(pair => pair.Key).ToList())
        {
            _windows.Remove(expired);
        }
    }

    private readonly record struct Window(DateTimeOffset ResetAt, int Count);
}
