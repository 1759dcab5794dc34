using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Pricing;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Pricing;

/// <summary>CoinGecko's keys, its 429s and outages: how often it is asked, and which price a quote gets meanwhile.</summary>
public sealed class CoinGeckoOutageTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private FakeCoinGecko _coinGecko = null!;

    public async Task InitializeAsync() => _coinGecko = await FakeCoinGecko.StartAsync();

    public async Task DisposeAsync() => await _coinGecko.DisposeAsync();

    [Fact]
    public async Task A_demo_key_is_sent_in_the_demo_header_by_default()
    {
        await Oracle(new PricingOptions { CoinGeckoApiKey = "CG-demo" }).GetBtcPriceUsdAsync(default);

        Assert.Equal(("CG-demo", (string?)null), _coinGecko.LastKeys);
    }

    [Fact]
    public async Task A_pro_key_is_sent_in_the_pro_header()
    {
        await Oracle(new PricingOptions { CoinGeckoApiKey = "CG-pro", CoinGeckoPlan = "pro" }).GetBtcPriceUsdAsync(default);

        Assert.Equal(((string?)null, "CG-pro"), _coinGecko.LastKeys);
    }

    [Theory]
    [InlineData("https://pro-api.coingecko.com", CoinGeckoPlans.ProHeader)]
    [InlineData("https://api.coingecko.com", CoinGeckoPlans.DemoHeader)]
    public void The_plan_follows_the_host_when_not_configured(string baseUrl, string header) =>
        Assert.Equal(header, CoinGeckoPlans.KeyHeader(new PricingOptions { CoinGeckoBaseUrl = baseUrl, CoinGeckoApiKey = "k" }));

    [Fact]
    public async Task After_a_429_coingecko_is_not_asked_again_until_the_backoff_has_passed()
    {
        // A Retry-After shorter than the configured backoff: the backoff is the least Timmy waits.
        _coinGecko.RateLimit(retryAfterSeconds: 30);
        var oracle = Oracle(new PricingOptions { BtcPriceRateLimitBackoffSeconds = 60 });

        Assert.Equal((1, 2), await RequestsAfterAsync(oracle, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task After_a_429_with_a_longer_retry_after_coingecko_is_not_asked_again_until_it_has_passed()
    {
        _coinGecko.RateLimit(retryAfterSeconds: 120);
        var oracle = Oracle(new PricingOptions { BtcPriceRateLimitBackoffSeconds = 60 });

        Assert.Equal((1, 2), await RequestsAfterAsync(oracle, TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public async Task A_failed_fetch_is_remembered_briefly_so_an_outage_costs_one_request()
    {
        _coinGecko.StatusCode = 503;
        var oracle = Oracle(new PricingOptions { BtcPriceFailureCacheSeconds = 30 });

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => oracle.GetBtcPriceUsdAsync(default).AsTask()));
        _clock.Advance(TimeSpan.FromSeconds(29));
        await oracle.GetBtcPriceUsdAsync(default);
        var withinTheFailureCache = _coinGecko.Requests;
        _clock.Advance(TimeSpan.FromSeconds(1));
        await oracle.GetBtcPriceUsdAsync(default);

        Assert.Equal((1, 2), (withinTheFailureCache, _coinGecko.Requests));
    }

    [Fact]
    public async Task The_last_good_price_is_used_while_younger_than_the_maximum_age_then_the_fallback()
    {
        var log = new FakeLogger<CoinGeckoBtcPriceOracle>();
        var oracle = Oracle(new PricingOptions { MaxPriceAgeMinutes = 60 }, log);
        _coinGecko.Price = 90_000m;
        await oracle.GetBtcPriceUsdAsync(default);
        _coinGecko.StatusCode = 500;

        _clock.Advance(TimeSpan.FromMinutes(59));
        var stale = await oracle.GetBtcPriceUsdAsync(default);
        Assert.DoesNotContain(log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var tooOld = await oracle.GetBtcPriceUsdAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await oracle.GetBtcPriceUsdAsync(default);

        Assert.Equal((90_000m, 42_000m), (stale, tooOld));
        Assert.Equal(BtcPriceSource.Fallback, oracle.Reading.Source);
        // The operator is told once per outage, with why and what the quotes now use.
        var said = Assert.Single(log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("last good price is 60 minutes old", said.Message);
        Assert.Contains("fallback 42000 USD, readiness degraded", said.Message);
    }

    [Fact]
    public async Task Readiness_is_degraded_with_a_price_check_while_quotes_use_the_fallback()
    {
        _coinGecko.Price = 90_000m;
        using var factory = new TimmyFactory
        {
            Settings =
            {
                ["Pricing:BtcPriceSource"] = "coingecko",
                ["Pricing:CoinGeckoBaseUrl"] = _coinGecko.BaseUrl,
                ["Pricing:BtcPriceUsdFallback"] = "42000",
            },
            TestServices = s => s.AddSingleton<TimeProvider>(_clock),
        };
        var oracle = factory.Services.GetRequiredService<IBtcPriceOracle>();
        var client = factory.CreateClient();
        await oracle.GetBtcPriceUsdAsync(default);
        _coinGecko.StatusCode = 500;
        _clock.Advance(TimeSpan.FromMinutes(30));
        await oracle.GetBtcPriceUsdAsync(default);
        var whileStale = await (await client.GetAsync("/api/readyz")).ReadJsonAsync();

        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(42_000m, await oracle.GetBtcPriceUsdAsync(default));
        var response = await client.GetAsync("/api/readyz");
        var degraded = await response.ReadJsonAsync();

        Assert.Equal(("ready", "healthy"), (whileStale.Str("status"), whileStale.Str("checks", "price", "status")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("degraded", "degraded"), (degraded.Str("status"), degraded.Str("checks", "price", "status")));
        Assert.Contains("fallback", degraded.Str("checks", "price", "detail"));
    }

    /// <summary>
    /// Quotes once (rate limited), again a second before <paramref name="wait"/> has passed on the fake clock, and again
    /// once it has: the requests CoinGecko saw by the second quote, and by the third.
    /// </summary>
    private async Task<(int BeforeTheWait, int After)> RequestsAfterAsync(CoinGeckoBtcPriceOracle oracle, TimeSpan wait)
    {
        await oracle.GetBtcPriceUsdAsync(default);
        _clock.Advance(wait - TimeSpan.FromSeconds(1));
        await oracle.GetBtcPriceUsdAsync(default);
        var beforeTheWait = _coinGecko.Requests;
        _clock.Advance(TimeSpan.FromSeconds(1));
        await oracle.GetBtcPriceUsdAsync(default);
        return (beforeTheWait, _coinGecko.Requests);
    }

    private CoinGeckoBtcPriceOracle Oracle(PricingOptions settings, ILogger<CoinGeckoBtcPriceOracle>? log = null)
    {
        settings.BtcPriceUsdFallback = 42_000m;
        settings.CoinGeckoBaseUrl = _coinGecko.BaseUrl;
        var http = new HttpClient { BaseAddress = new Uri(_coinGecko.BaseUrl) };
        return new CoinGeckoBtcPriceOracle(http, Options.Create(settings), _clock, log ?? NullLogger<CoinGeckoBtcPriceOracle>.Instance);
    }
}
