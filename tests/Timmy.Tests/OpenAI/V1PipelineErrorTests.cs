using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Pricing;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>
/// Errors the pipeline writes itself, outside the /v1 endpoints (the exception handler's 500 and 503, the framework's
/// 405, the header limit's 431), are in OpenAI's shape under /v1 too: it is the only one the SDKs parse.
/// </summary>
public sealed class V1PipelineErrorTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    private HttpClient Client(Exception? priceFailure = null)
    {
        var factory = new TimmyFactory
        {
            TestServices = priceFailure is null ? null : s => s.AddSingleton<IBtcPriceOracle>(new FailingOracle(priceFailure)),
        };
        _factories.Add(factory);
        return factory.CreateClient();
    }

    [Fact]
    public async Task An_unhandled_exception_under_v1_is_a_500_in_OpenAI_shape()
    {
        // The model list prices its models at the BTC price: an oracle that throws is a bug the handler does not catch.
        var client = Client(new InvalidOperationException("a bug"));

        var error = await (await client.GetAsync("/v1/models")).AssertOpenAIErrorAsync(HttpStatusCode.InternalServerError);

        Assert.Equal("api_error", error.Str("type"));
    }

    [Fact]
    public async Task A_busy_database_under_v1_is_a_503_with_retry_after_in_OpenAI_shape()
    {
        var client = Client(new SqliteException("database is locked", 5));

        var response = await client.GetAsync("/v1/models");

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database", error.Str("message"));
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task A_wrong_method_under_v1_is_a_405_in_OpenAI_shape()
    {
        var client = Client();

        await (await client.DeleteAsync(V1Client.Completions)).AssertOpenAIErrorAsync(HttpStatusCode.MethodNotAllowed);
        await (await client.PostAsync("/v1/models", null)).AssertOpenAIErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Oversized_headers_under_v1_are_a_431_in_OpenAI_shape()
    {
        var client = Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("X-Padding", new string('a', 20 * 1024));

        var error = await (await client.SendAsync(request)).AssertOpenAIErrorAsync(HttpStatusCode.RequestHeaderFieldsTooLarge);

        Assert.Contains("headers too large", error.Str("message"));
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());

    private sealed class FailingOracle(Exception failure) : IBtcPriceOracle
    {
        public ValueTask<decimal> GetBtcPriceUsdAsync(CancellationToken cancellationToken) => ValueTask.FromException<decimal>(failure);
    }
}
