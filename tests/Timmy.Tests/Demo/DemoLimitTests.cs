using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Demo;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Demo;

/// <summary>Who the demo limit counts against (IPv4 address, IPv6 /64), the global budget, and the limiter's memory bound.</summary>
public sealed class DemoLimitTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly List<TimmyFactory> _factories = [];

    [Fact]
    public async Task Addresses_of_one_ipv6_slash_64_share_one_allowance()
    {
        var client = Factory().CreateClient();
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, $"2001:db8:1:2::{i:x}")).StatusCode);
        }

        var sameSubnet = await DemoAsync(client, "2001:db8:1:2:ffff:eeee:dddd:cccc");
        var otherSubnet = await DemoAsync(client, "2001:db8:1:3::1");

        Assert.Contains("5 demo requests per hour per client", await sameSubnet.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, otherSubnet.StatusCode);
    }

    [Fact]
    public async Task A_forwarded_ipv6_client_is_keyed_by_its_slash_64_too()
    {
        var client = Factory(("ForwardedHeaders:KnownProxies", "10.0.0.1"), ("Demo:RequestsPerWindow", "1")).CreateClient();

        var first = await DemoAsync(client, "10.0.0.1", forwardedFor: "2001:db8:aa:bb::1");
        var sameSubnet = await DemoAsync(client, "10.0.0.1", forwardedFor: "[2001:db8:aa:bb::2]:4711");
        var otherSubnet = await DemoAsync(client, "10.0.0.1", forwardedFor: "2001:db8:aa:bc::1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameSubnet.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherSubnet.StatusCode);
    }

    [Fact]
    public async Task Rotating_addresses_stop_at_the_global_budget_until_the_window_ends()
    {
        var client = Factory(("Demo:GlobalRequestsPerWindow", "3")).CreateClient();
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, $"198.51.100.{i}")).StatusCode);
        }

        var refused = await DemoAsync(client, "198.51.100.4");

        Assert.Contains("shared allowance of 3 requests per hour", await refused.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.Equal("0", refused.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal("3600", refused.Headers.RetryAfter?.ToString());
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, "198.51.100.4")).StatusCode);
    }

    [Fact]
    public async Task The_limiter_remembers_at_most_max_tracked_clients()
    {
        var factory = Factory(("Demo:MaxTrackedClients", "2"));
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, "198.51.100.1")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, "198.51.100.2")).StatusCode);

        var third = await DemoAsync(client, "198.51.100.3");
        var known = await DemoAsync(client, "198.51.100.1");

        await third.AssertErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("3000", third.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(2, factory.Services.GetRequiredService<InMemoryDemoRateLimiter>().TrackedClients);
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await DemoAsync(client, "198.51.100.3")).StatusCode);
        Assert.Equal(2, factory.Services.GetRequiredService<InMemoryDemoRateLimiter>().TrackedClients);
    }

    [Fact]
    public async Task The_429_names_the_configured_window()
    {
        var client = Factory(("Demo:RequestsPerWindow", "1"), ("Demo:WindowSeconds", "600")).CreateClient();
        await DemoAsync(client, "198.51.100.1");

        var refused = await DemoAsync(client, "198.51.100.1");

        Assert.Contains("1 demo request per 10 minutes per client", await refused.AssertErrorAsync(HttpStatusCode.TooManyRequests));
    }

    private static Task<HttpResponseMessage> DemoAsync(HttpClient client, string peer, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping").From(peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return client.SendAsync(request);
    }

    private TimmyFactory Factory(params (string Key, string Value)[] settings)
    {
        var factory = new TimmyFactory
        {
            Settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
            TestServices = s => s.AddSingleton<TimeProvider>(_clock).AddTestPeers(),
        };
        _factories.Add(factory);
        return factory;
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
