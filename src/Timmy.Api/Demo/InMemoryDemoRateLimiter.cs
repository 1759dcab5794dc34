using Microsoft.Extensions.Options;

namespace Timmy.Api.Demo;

/// <summary>
/// A fixed window per client that opens with the client's first request, and one global window for all clients.
/// A lock per process keeps the counts exact under bursts; the work inside it is a dictionary lookup. The table holds
/// at most <see cref="DemoOptions.MaxTrackedClients"/> clients: ended windows are swept when it is full, and while
/// it is still full new clients are refused rather than remembered.
/// </summary>
public sealed class InMemoryDemoRateLimiter(IOptions<DemoOptions> options, TimeProvider clock) : IDemoRateLimiter
{
    private readonly DemoOptions _options = options.Value;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Window _global = new(DateTimeOffset.MinValue, 0);

    /// <summary>No window in the table ends before this, so a sweep before it would find nothing.</summary>
    private DateTimeOffset _earliestEnd = DateTimeOffset.MaxValue;

    public int TrackedClients
    {
        get
        {
            lock (_gate)
            {
                return _windows.Count;
            }
        }
    }

    public ValueTask<RateLimitDecision> TryAcquireAsync(string clientKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Decide(clientKey, take: true));

    public ValueTask<RateLimitDecision> PeekAsync(string clientKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Decide(clientKey, take: false));

    private RateLimitDecision Decide(string clientKey, bool take)
    {
        var now = clock.GetUtcNow();
        var limit = _options.RequestsPerWindow;
        var globalLimit = _options.GlobalRequestsPerWindow;
        lock (_gate)
        {
            if (now >= _global.ResetAt)
            {
                _global = new Window(now + _options.Window, 0);
            }

            var present = _windows.TryGetValue(clientKey, out var window);
            if (!present || now >= window.ResetAt)
            {
                window = new Window(now + _options.Window, 0);
            }

            if (window.Count >= limit)
            {
                return RateLimitDecision.Refused(limit, window.ResetAt, DemoRefusal.Client);
            }

            if (globalLimit > 0 && _global.Count >= globalLimit)
            {
                return RateLimitDecision.Refused(limit, _global.ResetAt, DemoRefusal.Global);
            }

            if (!present && !HasRoom(now))
            {
                return RateLimitDecision.Refused(limit, _earliestEnd, DemoRefusal.TooManyClients);
            }

            if (take)
            {
                window = window with { Count = window.Count + 1 };
                _global = _global with { Count = _global.Count + 1 };
                _windows[clientKey] = window;
                _earliestEnd = window.ResetAt < _earliestEnd ? window.ResetAt : _earliestEnd;
            }

            var remaining = limit - window.Count;
            if (globalLimit > 0)
            {
                remaining = Math.Min(remaining, globalLimit - _global.Count);
            }

            return new RateLimitDecision(true, limit, remaining, window.ResetAt);
        }
    }

    /// <summary>Whether one more client fits; sweeps ended windows when full (at most once per window end).</summary>
    private bool HasRoom(DateTimeOffset now)
    {
        if (_windows.Count < _options.MaxTrackedClients)
        {
            return true;
        }

        if (now < _earliestEnd)
        {
            return false;
        }

        _earliestEnd = DateTimeOffset.MaxValue;
        foreach (var (key, window) in _windows.ToList())
        {
            if (now >= window.ResetAt)
            {
                _windows.Remove(key);
            }
            else if (window.ResetAt < _earliestEnd)
            {
                _earliestEnd = window.ResetAt;
            }
        }

        return _windows.Count < _options.MaxTrackedClients;
    }

    private readonly record struct Window(DateTimeOffset ResetAt, int Count);
}
