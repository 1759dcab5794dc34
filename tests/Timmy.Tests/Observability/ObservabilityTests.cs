using System.Net;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Observability;

public sealed class ObservabilityTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_jobs_sats_tokens_and_rate_limits()
    {
        var client = _factory.CreateClient();
        await client.RunJobAsync("What is a satoshi?");
        for (var i = 0; i < 6; i++)
        {
            await client.GetAsync("/api/demo?request=ping");
        }

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("timmy_jobs_transitions_total{", text);
        Assert.Contains("state=\"complete\"", text);
        Assert.Contains("timmy_sats_invoiced_sat_total{", text);
        Assert.Contains("timmy_sats_paid_sat_total{", text);
        Assert.Contains("timmy_demo_rate_limited_total", text);
        Assert.Contains("gen_ai_client_token_usage", text);
        Assert.Contains("gen_ai_client_operation_duration", text);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Metrics_answer_only_GET(string method)
    {
        var response = await _factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), "/metrics"));

        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Readyz_reports_each_dependency_when_all_are_up()
    {
        var response = await _factory.CreateClient().GetAsync("/api/readyz");
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.Str("status"));
        Assert.Equal("healthy", body.Str("checks", "database", "status"));
        Assert.Equal("healthy", body.Str("checks", "lightning", "status"));
        Assert.Equal("healthy", body.Str("checks", "ai", "status"));
    }

    [Fact]
    public async Task Readyz_is_503_when_the_lightning_node_is_unreachable_while_healthz_stays_200()
    {
        using var down = new TimmyFactory
        {
            Settings =
            {
                ["Lightning:Backend"] = "lnbits",
                ["Lightning:Lnbits:Url"] = "http://127.0.0.1:9",
                ["Lightning:Lnbits:ApiKey"] = "invoice-key",
                ["Lightning:Lnbits:AdminKey"] = "admin-key",
                ["Lightning:RequestTimeoutMs"] = "500",
                ["Lightning:MaxRetries"] = "0",
                ["Lightning:WatchInvoices"] = "false",
            },
        };
        var client = down.CreateClient();

        var ready = await client.GetAsync("/api/readyz");
        var live = await client.GetAsync("/api/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("unhealthy", (await ready.ReadJsonAsync()).Str("checks", "lightning", "status"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
