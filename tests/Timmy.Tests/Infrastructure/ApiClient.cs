using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Timmy.Tests.Infrastructure;

/// <summary>Small, readable steps of the paid flow, over a real HttpClient.</summary>
public static class ApiClient
{
    public static async Task<JsonElement> CreateJobAsync(this HttpClient client, string request)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", new { request });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Creates a job and returns just its id, for tests that work with the job below the API.</summary>
    public static async Task<Guid> CreateJobIdAsync(this HttpClient client, string request = "What is a satoshi?") =>
        Guid.Parse((await client.CreateJobAsync(request)).Str("jobId"));

    public static async Task<JsonElement> GetJobAsync(this HttpClient client, string jobId)
    {
        var response = await client.GetAsync($"/api/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Pays through the dev endpoint and returns the preimage, as a wallet learns it by paying.</summary>
    public static async Task<string> PayAsync(this HttpClient client, string paymentHash)
    {
        var response = await client.PostAsync($"/api/dev/stub/pay/{paymentHash}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).Str("preimage");
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and the one error shape, and returns the message.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        var error = body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    public static string Str(this JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            element = element.GetProperty(name);
        }

        return element.GetString()!;
    }

    /// <summary>Pays the eval invoice and polls until the background eval is done: accepted, rejected or failed.</summary>
    public static async Task<JsonElement> PayEvalAsync(this HttpClient client, JsonElement created)
    {
        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        return await client.PollUntilSettledAsync(created.Str("jobId"));
    }

    /// <summary>Polls, as a client would, while the job is evaluating or executing in the background.</summary>
    public static async Task<JsonElement> PollUntilSettledAsync(this HttpClient client, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var job = await client.GetJobAsync(jobId);
            if (job.Str("state") is not ("evaluating" or "executing") || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Runs a job from creation to its final state.</summary>
    public static async Task<JsonElement> RunJobAsync(this HttpClient client, string request)
    {
        var created = await client.CreateJobAsync(request);
        var job = await client.PayEvalAsync(created);
        if (job.Str("state") != "awaiting_work_payment")
        {
            return job;
        }

        await client.PayAsync(job.Str("workInvoice", "paymentHash"));
        return await client.PollUntilSettledAsync(created.Str("jobId"));
    }

    /// <summary>A job run to complete with the offline model, which costs less than its estimate: some sats are owed back.</summary>
    public static async Task<(string JobId, long Owed)> CompletedJobOwingAsync(this HttpClient client)
    {
        var job = await client.RunJobAsync("Explain the Lightning Network in two sentences");
        Assert.Equal("complete", job.Str("state"));
        var owed = job.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64();
        Assert.True(owed > 0, $"the offline model should cost less than its estimate: {JsonSerializer.Serialize(job)}");
        return (job.Str("jobId"), owed);
    }

    public static Task<HttpResponseMessage> ClaimRefundAsync(this HttpClient client, string jobId, string invoice) =>
        client.PostAsJsonAsync($"/api/jobs/{jobId}/refund", new { invoice });
}
