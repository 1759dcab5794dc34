using Microsoft.AspNetCore.Http;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

public sealed class IdempotencyTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_returns_the_same_job()
    {
        var client = _factory.CreateClient();

        var first = await CreateAsync(client, "key-1", "What is a satoshi?");
        var retry = await CreateAsync(client, "key-1", "What is a satoshi?");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetRawText(), (await retry.ReadJsonAsync()).GetRawText());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task A_different_body_with_the_same_key_is_a_409()
    {
        var client = _factory.CreateClient();
        await CreateAsync(client, "key-2", "What is a satoshi?");

        var response = await CreateAsync(client, "key-2", "What is the Lightning Network?");

        Assert.Contains("different request", await response.AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task Concurrent_retries_create_one_job()
    {
        var client = _factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(client, "key-3", "What is a satoshi?")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).Str("jobId")));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public async Task Concurrent_retries_log_no_error_for_the_races_they_lose()
    {
        using var factory = new TimmyFactory { TestServices = services => services.AddFakeLogging() };
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(client, "key-4", "What is a satoshi?")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var errors = factory.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category}: {r.Message}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Different_keys_create_different_jobs()
    {
        var client = _factory.CreateClient();

        var a = await (await CreateAsync(client, "key-a", "What is a satoshi?")).ReadJsonAsync();
        var b = await (await CreateAsync(client, "key-b", "What is a satoshi?")).ReadJsonAsync();

        Assert.NotEqual(a.Str("jobId"), b.Str("jobId"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("ünïcode")]
    public async Task An_unusable_key_is_a_400(string key)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { request = "hi" }) };
        message.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await _factory.CreateClient().SendAsync(message);

        Assert.Contains("Idempotency-Key", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task An_empty_key_is_a_400_not_no_key()
    {
        // HttpClient drops a header without a value (curl sends one with -H 'Idempotency-Key;'), so set it on the request itself.
        var context = await _factory.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/api/jobs";
            http.Request.ContentType = "application/json";
            http.Request.Headers["Idempotency-Key"] = "";
            http.Request.Body = new MemoryStream("{\"request\": \"hi\"}"u8.ToArray());
        });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Contains("Idempotency-Key must be 1 to 255", await new StreamReader(context.Response.Body).ReadToEndAsync());
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task Two_key_headers_are_a_400_not_one_key_joined_by_a_comma()
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { request = "hi" }) };
        message.Headers.Add("Idempotency-Key", ["key-a", "key-b"]);

        var response = await _factory.CreateClient().SendAsync(message);

        Assert.Contains("Send one Idempotency-Key header, not 2", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task An_overlong_key_is_a_400()
    {
        var response = await CreateAsync(_factory.CreateClient(), new string('k', 256), "hi");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, string key, string request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { request }) };
        message.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(message);
    }

    public void Dispose() => _factory.Dispose();
}
