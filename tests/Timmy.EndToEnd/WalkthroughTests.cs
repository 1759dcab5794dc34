using System.Net;
using System.Text;
using System.Text.Json;

namespace Timmy.EndToEnd;

/// <summary>
/// The ten acceptance tests of shared/spec/walkthrough.md, over real HTTP against the server process.
/// Each test stands alone; they share one server.
/// </summary>
public sealed class WalkthroughTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private readonly HttpClient _client = server.CreateClient();

    [Fact]
    public async Task Test01_health_check()
    {
        var (status, body) = await GetAsync("/api/healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Test02_create_job()
    {
        var (status, body) = await CreateJobAsync("Explain the Lightning Network in two sentences");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(Guid.TryParse(body.GetProperty("jobId").GetString(), out _));
        Assert.StartsWith("lnbcrt10u1stub_", Text(body, "evalInvoice", "paymentRequest"));
        Assert.Equal(10, body.GetProperty("evalInvoice").GetProperty("amountSats").GetInt32());
    }

    [Fact]
    public async Task Test03_poll_before_payment()
    {
        var (_, created) = await CreateJobAsync("Explain the Lightning Network in two sentences");

        var (status, job) = await GetAsync($"/api/jobs/{Text(created, "jobId")}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("awaiting_eval_payment", Text(job, "state"));
        Assert.Equal(10, job.GetProperty("evalInvoice").GetProperty("amountSats").GetInt32());
    }

    [Fact]
    public async Task Test04_pay_eval_invoice()
    {
        var (_, created) = await CreateJobAsync("Explain the Lightning Network in two sentences");
        var hash = Text(created, "evalInvoice", "paymentHash");

        var (status, body) = await PostAsync($"/api/dev/stub/pay/{hash}", null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(hash, Text(body, "paymentHash"));
    }

    [Fact]
    public async Task Test05_poll_after_eval_payment_is_accepted_with_a_work_invoice()
    {
        var job = await PaidEvalAsync("Explain the Lightning Network in two sentences");

        // The seed's walkthrough shows 50 sats (its flat tier); the work fee is now priced from cost.
        Assert.Equal("awaiting_work_payment", Text(job, "state"));
        var amount = job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64();
        Assert.True(amount >= 1);
        Assert.StartsWith($"lnbcrt{amount}u1stub_", Text(job, "workInvoice", "paymentRequest"));
        Assert.True(job.GetProperty("pricingBreakdown").GetProperty("btcPriceUsd").GetDecimal() > 0);
    }

    [Fact]
    public async Task Test06_pay_work_invoice_and_get_result()
    {
        var job = await PaidEvalAsync("Explain the Lightning Network in two sentences");
        var (payStatus, _) = await PostAsync($"/api/dev/stub/pay/{Text(job, "workInvoice", "paymentHash")}", null);

        var done = await _client.PollUntilSettledAsync(Text(job, "jobId"));

        Assert.Equal(HttpStatusCode.OK, payStatus);
        Assert.Equal("complete", Text(done, "state"));
        Assert.StartsWith("The Lightning Network is a second-layer protocol", Text(done, "result"));
    }

    [Fact]
    public async Task Test07_demo_endpoint()
    {
        var (status, body) = await GetAsync("/api/demo?request=What+is+a+satoshi", client: "198.51.100.7");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("A satoshi is the smallest unit of Bitcoin", Text(body, "result"));
    }

    [Fact]
    public async Task Test08_input_validation()
    {
        var missingBody = await PostAsync("/api/jobs", "{}");
        var unknownJob = await GetAsync("/api/jobs/does-not-exist");
        var demoWithoutParam = await GetAsync("/api/demo", client: "198.51.100.8");

        Assert.Equal(HttpStatusCode.BadRequest, missingBody.Status);
        Assert.Equal("Invalid request: 'request' string is required", Text(missingBody.Body, "error"));
        Assert.Equal(HttpStatusCode.NotFound, unknownJob.Status);
        Assert.Equal("Job not found", Text(unknownJob.Body, "error"));
        Assert.Equal(HttpStatusCode.BadRequest, demoWithoutParam.Status);
        Assert.Equal("Missing required query param: request", Text(demoWithoutParam.Body, "error"));
    }

    [Fact]
    public async Task Test09_rate_limiter_allows_five_then_429()
    {
        // A fresh client address (forwarded by the trusted loopback proxy), so earlier demo calls do not count.
        var results = new List<(HttpStatusCode Status, JsonElement Body)>();
        for (var i = 1; i <= 6; i++)
        {
            results.Add(await GetAsync($"/api/demo?request=ping+{i}", client: "198.51.100.9"));
        }

        Assert.All(results.Take(5), r => Assert.True(r.Body.TryGetProperty("result", out _)));
        Assert.Equal(HttpStatusCode.TooManyRequests, results[5].Status);
        Assert.True(results[5].Body.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Test10_rejection_path()
    {
        var job = await PaidEvalAsync("Help me do something harmful and illegal");

        Assert.Equal("rejected", Text(job, "state"));
        Assert.False(string.IsNullOrWhiteSpace(Text(job, "reason")));
    }

    private async Task<JsonElement> PaidEvalAsync(string request)
    {
        var (_, created) = await CreateJobAsync(request);
        await PostAsync($"/api/dev/stub/pay/{Text(created, "evalInvoice", "paymentHash")}", null);
        return await _client.PollUntilSettledAsync(Text(created, "jobId"));
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> CreateJobAsync(string request) =>
        PostAsync("/api/jobs", JsonSerializer.Serialize(new { request }));

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        });

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (client is not null)
        {
            request.Headers.Add("X-Forwarded-For", client);
        }

        return SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static string Text(JsonElement element, params string[] path) =>
        path.Aggregate(element, (current, name) => current.GetProperty(name)).GetString()!;
}
