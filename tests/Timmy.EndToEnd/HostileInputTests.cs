using System.Net;
using System.Text;
using System.Text.Json;

namespace Timmy.EndToEnd;

/// <summary>Oversized and hostile requests against the real Kestrel server: JSON errors, never a 5xx or an empty answer.</summary>
public sealed class HostileInputTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task Oversized_headers_get_a_json_431()
    {
        using var client = server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/healthz");
        request.Headers.Add("X-Padding", new string('x', 20_000));

        await AssertJsonErrorAsync(await client.SendAsync(request), HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    [Fact]
    public async Task A_body_over_the_server_limit_gets_a_json_4xx()
    {
        using var client = server.CreateClient();
        var body = new StringContent($$"""{"request":"{{new string('a', 3 * 1024 * 1024)}}"}""", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/jobs", body);

        Assert.InRange((int)response.StatusCode, 400, 499);
        await AssertJsonErrorAsync(response, response.StatusCode);
    }

    [Fact]
    public async Task A_very_long_query_gets_a_json_400()
    {
        using var client = server.CreateClient();

        var response = await client.GetAsync("/api/demo?request=" + new string('a', 20_000));

        await AssertJsonErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/jobs/%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/api/jobs/..%252f..%252f")]
    [InlineData("/api/sessions/%E2%80%AE")]
    public async Task Traversal_and_odd_ids_are_json_4xx(string path)
    {
        using var client = server.CreateClient();

        var response = await client.GetAsync(path);

        Assert.InRange((int)response.StatusCode, 400, 499);
        await AssertJsonErrorAsync(response, response.StatusCode);
    }

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
    }
}
