using System.Net;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Health;

public sealed class HealthTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Healthz_answers_status_ok()
    {
        var response = await _factory.CreateClient().GetAsync("/api/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_endpoint_is_a_json_404()
    {
        var response = await _factory.CreateClient().GetAsync("/api/nope");

        var error = await response.AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Contains("/api/nope", error);
    }

    [Fact]
    public async Task Wrong_method_is_a_json_405()
    {
        var response = await _factory.CreateClient().DeleteAsync("/api/healthz");

        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Oversized_headers_are_a_json_431()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/healthz");
        request.Headers.Add("X-Padding", new string('x', 20_000));

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Contains("headers too large", await response.AssertErrorAsync(HttpStatusCode.RequestHeaderFieldsTooLarge));
    }

    public void Dispose() => _factory.Dispose();
}
