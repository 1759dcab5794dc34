using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Pricing;
using Timmy.Tests.Fakes;

namespace Timmy.Tests.Pricing;

/// <summary>The live oracle's real HTTP client against CoinGecko's JSON shape, served on loopback.</summary>
public sealed class CoinGeckoOracleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeCoinGecko _coinGecko = null!;

    public async Task InitializeAsync() => _coinGecko = await FakeCoinGecko.StartAsync();

    public async Task DisposeAsync() => await _coinGecko.DisposeAsync();

    [Fact]
    public async Task Reads_the_usd_price_of_bitcoin()
    {
        _coinGecko.Price = 87_654.32m;

        Assert.Equal(87_654.32m, await Oracle().GetBtcPriceUsdAsync(default));
    }

    [Fact]
    public async Task Caches_the_price_for_sixty_seconds()
    {
        var oracle = Oracle();
        _coinGecko.Price = 90_000m;
        await oracle.GetBtcPriceUsdAsync(default);

        _coinGecko.Price = 95_000m;
        _clock.Advance(TimeSpan.FromSeconds(59));
        var cached = await oracle.GetBtcPriceUsdAsync(default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await oracle.GetBtcPriceUsdAsync(default);

        Assert.Equal(90_000m, cached);
        Assert.Equal(95_000m, refreshed);
        Assert.Equal(2, _coinGecko.Requests);
    }

    [Fact]
    public async Task A_burst_of_callers_makes_one_request()
    {
        var oracle = Oracle();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => oracle.GetBtcPriceUsdAsync(default).AsTask()));

        Assert.Equal(1, _coinGecko.Requests);
    }

    [Fact]
    public async Task A_slow_answer_times_out_to_the_fallback()
    {
        _coinGecko.Delay = TimeSpan.FromSeconds(10);

        var started = DateTime.UtcNow;
        var price = await Oracle(timeoutSeconds: 1).GetBtcPriceUsdAsync(default);

        Assert.Equal(42_000m, price);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
    }

    [Theory]
    [InlineData(200, "not json at all")]
    [InlineData(200, "{}")]
    [InlineData(200, """{"bitcoin":{}}""")]
    [InlineData(200, """{"bitcoin":{"usd":"lots"}}""")]
    [InlineData(200, """{"bitcoin":{"usd":-5}}""")]
    [InlineData(200, """{"bitcoin":{"usd":0}}""")]
    [InlineData(200, "[1,2,3]")]
    [InlineData(429, """{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit"}}""")]
    [InlineData(500, "<html>oops</html>")]
    public async Task Garbage_or_errors_fall_back_to_the_configured_price(int status, string body)
    {
        _coinGecko.StatusCode = status;
        _coinGecko.Body = body;

        Assert.Equal(42_000m, await Oracle().GetBtcPriceUsdAsync(default));
    }

    [Fact]
    public async Task An_unreachable_server_falls_back_to_the_configured_price()
    {
        var oracle = Oracle(baseUrl: "http://127.0.0.1:1");

        Assert.Equal(42_000m, await oracle.GetBtcPriceUsdAsync(default));
    }

    private CoinGeckoBtcPriceOracle Oracle(int timeoutSeconds = 5, string? baseUrl = null)
    {
        var options = Options.Create(new PricingOptions { BtcPriceUsdFallback = 42_000m, BtcPriceTimeoutSeconds = timeoutSeconds });
        var http = new HttpClient { BaseAddress = new Uri(baseUrl ?? _coinGecko.BaseUrl) };
        return new CoinGeckoBtcPriceOracle(http, options, _clock, NullLogger<CoinGeckoBtcPriceOracle>.Instance);
    }
}
