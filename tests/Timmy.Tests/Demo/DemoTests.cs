using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Agent;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Demo;

public sealed class DemoTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly TimmyFactory _factory;

    public DemoTests()
    {
        _factory = new TimmyFactory { TestServices = s => s.AddSingleton<TimeProvider>(_clock) };
    }

    [Fact]
    public async Task The_demo_answers_with_the_work_model_and_rate_limit_headers()
    {
        var response = await _factory.CreateClient().GetAsync("/api/demo?request=What+is+a+satoshi");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("A satoshi is the smallest unit of Bitcoin", (await response.ReadJsonAsync()).Str("result"));
        AssertHeaders(response, remaining: 4, reset: Start.AddHours(1));
    }

    [Fact]
    public async Task A_missing_request_param_is_a_400_with_headers_and_uses_no_allowance()
    {
        var client = _factory.CreateClient();

        var response = await client.GetAsync("/api/demo");

        Assert.Equal("Missing required query param: request", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        AssertHeaders(response, remaining: 5, reset: Start.AddHours(1));
        AssertHeaders(await client.GetAsync("/api/demo?request=ping"), remaining: 4, reset: Start.AddHours(1));
    }

    [Theory]
    [InlineData("/api/demo?request=")]
    [InlineData("/api/demo?request=%20%20")]
    [InlineData("/api/demo?request=a&request=b")]
    [InlineData("/api/demo?request=bell%07")]
    public async Task Bad_demo_params_are_400s(string url)
    {
        var response = await _factory.CreateClient().GetAsync(url);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.True(response.Headers.Contains("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task The_sixth_request_in_an_hour_is_a_429_with_remaining_zero()
    {
        var client = _factory.CreateClient();
        for (var i = 1; i <= 5; i++)
        {
            var ok = await client.GetAsync($"/api/demo?request=ping+{i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            AssertHeaders(ok, remaining: 5 - i, reset: Start.AddHours(1));
        }

        var limited = await client.GetAsync("/api/demo?request=ping+6");

        Assert.Contains("Rate limit exceeded", await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests));
        AssertHeaders(limited, remaining: 0, reset: Start.AddHours(1));
        Assert.Equal("3600", limited.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task The_allowance_returns_when_the_window_ends()
    {
        var client = _factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.GetAsync("/api/demo?request=ping");
        }

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/demo?request=ping")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var response = await client.GetAsync("/api/demo?request=ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertHeaders(response, remaining: 4, reset: Start.AddHours(2));
    }

    [Fact]
    public async Task A_concurrent_burst_lets_exactly_five_through()
    {
        var client = _factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.GetAsync($"/api/demo?request=burst+{i}")));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(35, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_forwarded_for_header_from_an_untrusted_peer_does_not_reset_the_limit()
    {
        var client = _factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.GetAsync("/api/demo?request=ping");
        }

        var spoofed = new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping");
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.77");
        var response = await client.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task A_model_failure_is_a_500_json_error_that_keeps_the_headers()
    {
        using var failing = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Throwing("upstream 500")),
        };

        var response = await failing.CreateClient().GetAsync("/api/demo?request=ping");

        Assert.StartsWith("Demo failed: the AI model could not answer (ref ", await response.AssertErrorAsync(HttpStatusCode.InternalServerError));
        Assert.Equal("4", response.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    private static void AssertHeaders(HttpResponseMessage response, int remaining, DateTimeOffset reset)
    {
        Assert.Equal("5", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal(remaining.ToString(), response.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(reset.ToUnixTimeSeconds().ToString(), response.Headers.GetValues("X-RateLimit-Reset").Single());
    }

    public void Dispose() => _factory.Dispose();
}
