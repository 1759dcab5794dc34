using System.Net;
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

    private static void SkipUnlessRedis() =>
        Skip.If(Redis is null && Environment.GetEnvironmentVariable("CI") is null, "TIMMY_TEST_REDIS is not set (CI sets it)");

    private TimmyFactory Instance()
    {
        var factory = new TimmyFactory
        {
            Settings =
            {
                ["ConnectionStrings:Redis"] = Redis ?? "127.0.0.1:6379",
                ["Demo:RedisKeyPrefix"] = _prefix,
            },
        };
        _instances.Add(factory);
        return factory;
    }

    public void Dispose() => _instances.ForEach(f => f.Dispose());
}
