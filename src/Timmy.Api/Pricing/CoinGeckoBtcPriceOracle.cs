using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Pricing;

/// <summary>
/// CoinGecko's simple-price endpoint, cached for <c>Pricing:BtcPriceCacheSeconds</c> and bounded by a timeout, with
/// the plan's API key. A failed fetch is remembered for <c>Pricing:BtcPriceFailureCacheSeconds</c> (a 429 for
/// <c>Pricing:BtcPriceRateLimitBackoffSeconds</c>, or longer if CoinGecko says so), so an outage does not put every
/// quote behind a timeout. Meanwhile the last good price is used while younger than <c>Pricing:MaxPriceAgeMinutes</c>;
/// past that, the configured fallback, and <see cref="Reading"/> says so for the readiness report.
/// </summary>
public sealed partial class CoinGeckoBtcPriceOracle(
    HttpClient http, IOptions<PricingOptions> options, TimeProvider clock, ILogger<CoinGeckoBtcPriceOracle> logger) : IBtcPriceOracle
{
    public const string PricePath = "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (decimal Price, DateTimeOffset FetchedAt)? _lastGood;
    private DateTimeOffset _nextFetchAt = DateTimeOffset.MinValue;
    private bool _onFallback;

    /// <summary>What the last answer was based on: a live price, a stale one still allowed, or the fallback.</summary>
    public BtcPriceReading Reading
    {
        get
        {
            var now = clock.GetUtcNow();
            return _lastGood switch
            {
                null when _nextFetchAt == DateTimeOffset.MinValue => new(BtcPriceSource.NotFetched, null),
                null => new(BtcPriceSource.Fallback, null),
                { } good when now - good.FetchedAt < MaxAge => new(IsFresh(good, now) ? BtcPriceSource.Live : BtcPriceSource.Stale, now - good.FetchedAt),
                { } good => new(BtcPriceSource.Fallback, now - good.FetchedAt),
            };
        }
    }

    private PricingOptions Settings => options.Value;

    private TimeSpan MaxAge => TimeSpan.FromMinutes(Settings.MaxPriceAgeMinutes);

    public async ValueTask<decimal> GetBtcPriceUsdAsync(CancellationToken cancellationToken)
    {
        if (Cached() is { } price)
        {
            return price;
        }

        // One refresh at a time: a burst of new jobs makes one request, not one each.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Cached() is { } refreshed)
            {
                return refreshed;
            }

            var now = clock.GetUtcNow();
            var fetched = await FetchAsync(cancellationToken);
            if (fetched.Price is { } live)
            {
                _lastGood = (live, clock.GetUtcNow());
                _nextFetchAt = DateTimeOffset.MinValue;
                _onFallback = false;
                return live;
            }

            _nextFetchAt = now + fetched.RetryAfter;
            return LastGoodOrFallback(now);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>A price to answer with without fetching: a fresh one, or anything allowed while a failure is remembered.</summary>
    private decimal? Cached()
    {
        var now = clock.GetUtcNow();
        if (_lastGood is { } good && IsFresh(good, now))
        {
            return good.Price;
        }

        return now < _nextFetchAt ? LastGoodOrFallback(now) : null;
    }

    private bool IsFresh((decimal Price, DateTimeOffset FetchedAt) good, DateTimeOffset now) =>
        now - good.FetchedAt < TimeSpan.FromSeconds(Settings.BtcPriceCacheSeconds);

    private decimal LastGoodOrFallback(DateTimeOffset now)
    {
        if (_lastGood is { } good && now - good.FetchedAt < MaxAge)
        {
            return good.Price;
        }

        if (!_onFallback)
        {
            // Said once per outage, not on every quote.
            _onFallback = true;
            LogOnFallback(_lastGood is { } old ? $"the last good price is {(int)(now - old.FetchedAt).TotalMinutes} minutes old" : "no price was ever fetched",
                Settings.MaxPriceAgeMinutes, Settings.BtcPriceUsdFallback);
        }

        return Settings.BtcPriceUsdFallback;
    }

    private async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        var failed = new FetchResult(null, TimeSpan.FromSeconds(Settings.BtcPriceFailureCacheSeconds));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Settings.BtcPriceTimeoutSeconds));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, PricePath);
            if (CoinGeckoPlans.KeyHeader(Settings) is { } header)
            {
                request.Headers.Add(header, Settings.CoinGeckoApiKey);
            }

            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var backoff = TimeSpan.FromSeconds(Settings.BtcPriceRateLimitBackoffSeconds);
                var asked = response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
                LogFetchFailed(null, "HTTP 429, rate limited", asked > backoff ? asked : backoff);
                return failed with { RetryAfter = asked > backoff ? asked : backoff };
            }

            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(null, $"HTTP {(int)response.StatusCode}", failed.RetryAfter);
                return failed;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("bitcoin", out var bitcoin)
                && bitcoin.ValueKind == JsonValueKind.Object
                && bitcoin.TryGetProperty("usd", out var usd)
                && usd.ValueKind == JsonValueKind.Number
                && usd.TryGetDecimal(out var price)
                && price > 0)
            {
                return new FetchResult(price, TimeSpan.Zero);
            }

            LogFetchFailed(null, "unexpected response shape", failed.RetryAfter);
            return failed;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(ex, ex is OperationCanceledException ? "timed out" : ex.Message, failed.RetryAfter);
            return failed;
        }
    }

    private sealed record FetchResult(decimal? Price, TimeSpan RetryAfter);

    [LoggerMessage(LogLevel.Warning, "BTC price fetch failed ({Why}); not asking again for {RetryAfter}")]
    private partial void LogFetchFailed(Exception? ex, string why, TimeSpan retryAfter);

    [LoggerMessage(LogLevel.Error, "BTC price is unavailable ({Why}; Pricing:MaxPriceAgeMinutes is {MaxAgeMinutes}): pricing at the fallback {Fallback} USD, readiness degraded")]
    private partial void LogOnFallback(string why, int maxAgeMinutes, decimal fallback);
}

public enum BtcPriceSource
{
    NotFetched,
    Live,
    Stale,
    Fallback,
}

/// <summary>Where the oracle's price comes from now, and how old the last good price is.</summary>
public sealed record BtcPriceReading(BtcPriceSource Source, TimeSpan? Age);
