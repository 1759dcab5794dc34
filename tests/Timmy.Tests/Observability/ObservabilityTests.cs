using System.Net;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Observability;

/// <summary>
/// Not run beside other classes: the exporter reads every meter named "Timmy" in the process, so another class's
/// running app would add its jobs to the values checked here.
/// </summary>
[Collection(nameof(MetricValues))]
public sealed class ObservabilityTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_jobs_sats_tokens_and_rate_limits()
    {
        var client = _factory.CreateClient();
        var job = await client.RunJobAsync("What is a satoshi?");
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
        // The values, not just the names: one job through every state, its two invoices invoiced and paid to the sat,
        // the sixth demo request over the limit of five, and the eval and work calls' tokens.
        foreach (var state in new[] { "awaiting_eval_payment", "evaluating", "awaiting_work_payment", "executing", "complete" })
        {
            Assert.Equal(1, Metric(text, "timmy_jobs_transitions_total", $"state=\"{state}\""));
        }

        var (evalSats, workSats) = (job.GetProperty("evalInvoice").GetProperty("amountSats").GetInt64(), job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64());
        Assert.Equal(evalSats, Metric(text, "timmy_sats_invoiced_sat_total", "kind=\"JobEval\""));
        Assert.Equal(workSats, Metric(text, "timmy_sats_invoiced_sat_total", "kind=\"JobWork\""));
        Assert.Equal(evalSats, Metric(text, "timmy_sats_paid_sat_total", "kind=\"JobEval\""));
        Assert.Equal(workSats, Metric(text, "timmy_sats_paid_sat_total", "kind=\"JobWork\""));
        Assert.Equal(1, Metric(text, "timmy_demo_rate_limited_total"));
        Assert.Equal(1, Metric(text, "gen_ai_client_operation_duration_seconds_count", "gen_ai_request_model=\"claude-haiku-4-5\""));
        Assert.True(Metric(text, "gen_ai_client_token_usage_sum", "gen_ai_request_model=\"claude-haiku-4-5\"", "gen_ai_token_type=\"output\"") > 0);
        var workOutput = job.GetProperty("costLedger").GetProperty("actualOutputTokens").GetInt64();
        Assert.True(Metric(text, "gen_ai_client_token_usage_sum", "gen_ai_request_model=\"claude-sonnet-4-6\"", "gen_ai_token_type=\"output\"") >= workOutput);
    }

    /// <summary>The value of the one series of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Metric(string text, string name, params string[] labels)
    {
        var lines = text.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l.Contains)).ToList();
        Assert.True(lines.Count == 1, $"{name} {string.Join(',', labels)}: {string.Join(" | ", lines)}");
        var line = lines[0];
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
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

[CollectionDefinition(nameof(MetricValues), DisableParallelization = true)]
public sealed class MetricValues;
