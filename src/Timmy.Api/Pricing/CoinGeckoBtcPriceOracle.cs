using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Pricing;

/// <summary>
/// CoinGecko's simple-price endpoint, cached for a minute and bounded by a timeout. Any failure (network,
/// status, garbage, a non-positive price) falls back to the configured price, so pricing never blocks a job.
/// </summary>
public sealed partial class CoinGeckoBtcPriceOracle(
    HttpClient http, IOptions<PricingOptions> options, TimeProvider clock, ILogger<CoinGeckoBtcPriceOracle> logger) : IBtcPriceOracle
{
    public const string PricePath = "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (decimal Price, DateTimeOffset FetchedAt)? _cached;

    public async ValueTask<decimal> GetBtcPriceUsdAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } price)
        {
            return price;
        }

        // One refresh at a time: a burst of new jobs makes one request, not one each.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } refreshed)
            {
                return refreshed;
            }

            var fetched = await FetchAsync(cancellationToken);
            if (fetched is { } live)
            {
                _cached = (live, clock.GetUtcNow());
                return live;
            }

            return options.Value.BtcPriceUsdFallback;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private decimal? Fresh() =>
        _cached is { } cached && clock.GetUtcNow() - cached.FetchedAt < TimeSpan.FromSeconds(options.Value.BtcPriceCacheSeconds)
            ? cached.Price
            : null;

    private async Task<decimal?> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.BtcPriceTimeoutSeconds));
        try
        {
            using var response = await http.GetAsync(PricePath, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogFallback(null, $"HTTP {(int)response.StatusCode}");
                return null;
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
                return price;
            }

            LogFallback(null, "unexpected response shape");
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFallback(ex, ex is OperationCanceledException ? "timed out" : ex.Message);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "BTC price fetch failed ({Why}); using the fallback price")]
    private partial void LogFallback(Exception? ex, string why);
}
