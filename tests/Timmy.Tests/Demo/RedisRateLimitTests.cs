using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Demo;

/// <summary>
/// The demo limit shared through a real redis-server (started by .ci/run; set TIMMY_TEST_REDIS=host:port to run
/// locally): two app instances together let exactly five requests through per client.
/// </summary>
public sealed class RedisRateLimitTests : IDisposable
{
    private static readonly string? Redis = Environment.GetEnvironmentVariable("TIMMY_TEST_REDIS");
    private readonly string _prefix = $"timmy-test:{Guid.NewGuid():N}:";
    private readonly List<TimmyFactory> _instances = [];

    [SkippableFact]
    public async Task Two_instances_share_one_allowance()
    {
        SkipUnlessRedis();
        var first = Instance().CreateClient();
        var second = Instance().CreateClient();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await (i % 2 == 0 ? first : second).GetAsync($"/api/demo?request=ping+{i}"));
        }

        Assert.Equal(5, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[5].StatusCode);
        Assert.Equal(["4", "3", "2", "1", "0"], answers.Take(5).Select(r => r.Headers.GetValues("X-RateLimit-Remaining").Single()));
        var reset = long.Parse(answers[5].Headers.GetValues("X-RateLimit-Reset").Single());
        Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3601);
    }

    [SkippableFact]
    public async Task A_concurrent_burst_across_instances_lets_exactly_five_through()
    {
        SkipUnlessRedis();
        var clients = new[] { Instance().CreateClient(), Instance().CreateClient() };

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => clients[i % 2].GetAsync($"/api/demo?request=burst+{i}")));

        Assert.Equal(5, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(55, answers.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [SkippableFact]
    public async Task A_request_refused_before_the_model_uses_no_allowance()
    {
        SkipUnlessRedis();
        var client = Instance().CreateClient();

        var missing = await client.GetAsync("/api/demo");
        var ok = await client.GetAsync("/api/demo?request=ping");

        Assert.Equal("5", missing.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal("4", ok.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [SkippableFact]
    public async Task The_global_budget_is_shared_by_all_clients_across_instances()
    {
        SkipUnlessRedis();
        var clients = new[] { Instance(("Demo:GlobalRequestsPerWindow", "3")).CreateClient(), Instance(("Demo:GlobalRequestsPerWindow", "3")).CreateClient() };

        var answers = new List<HttpResponseMessage>();
        for (var i = 1; i <= 4; i++)
        {
            answers.Add(await clients[i % 2].SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping").From($"198.51.100.{i}")));
        }

        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Contains("shared allowance of 3 requests per hour", await answers[3].AssertErrorAsync(HttpStatusCode.TooManyRequests));
    }

    [SkippableFact]
    public async Task Addresses_of_one_ipv6_slash_64_share_one_counter_across_instances()
    {
        SkipUnlessRedis();
        var clients = new[] { Instance(("Demo:RequestsPerWindow", "1")).CreateClient(), Instance(("Demo:RequestsPerWindow", "1")).CreateClient() };

        var first = await clients[0].SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping").From("2001:db8:7:8::1"));
        var second = await clients[1].SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping").From("2001:db8:7:8::2"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    private static void SkipUnlessRedis() =>
        Skip.If(Redis is null && Environment.GetEnvironmentVariable("CI") is null, "TIMMY_TEST_REDIS is not set (CI sets it)");

    private TimmyFactory Instance(params (string Key, string Value)[] settings)
    {
        var factory = new TimmyFactory
        {
            Settings =
            {
                ["ConnectionStrings:Redis"] = Redis ?? "127.0.0.1:6379",
                ["Demo:RedisKeyPrefix"] = _prefix,
            },
            TestServices = s => s.AddTestPeers(),
        };
        foreach (var (key, value) in settings)
        {
            factory.Settings[key] = value;
        }

        _instances.Add(factory);
        return factory;
    }

    public void Dispose() => _instances.ForEach(f => f.Dispose());
}
