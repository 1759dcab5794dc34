using System.Net;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Web;

public sealed class WebPageTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task The_page_is_served_at_the_root_with_a_strict_content_security_policy()
    {
        var response = await _factory.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Timmy</h1>", await response.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
    }

    [Theory]
    [InlineData("/js/main.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task The_page_assets_are_served(string path, string mediaType)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_missing_asset_is_still_a_json_404()
    {
        var response = await _factory.CreateClient().GetAsync("/js/nope.js");

        await response.AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task In_development_the_client_config_offers_simulated_payments()
    {
        var config = await (await _factory.CreateClient().GetAsync("/api/client-config")).ReadJsonAsync();

        Assert.True(config.GetProperty("stubPayments").GetBoolean());
        Assert.Equal(10, config.GetProperty("evalFeeSats").GetInt64());
        Assert.Equal(5, config.GetProperty("demoRequestsPerWindow").GetInt32());
        Assert.Equal(100, config.GetProperty("minDepositSats").GetInt64());
        Assert.Equal(10000, config.GetProperty("maxDepositSats").GetInt64());
    }

    [Fact]
    public async Task In_production_the_client_config_has_no_simulate_button()
    {
        using var production = new TimmyFactory
        {
            EnvironmentName = "Production",
            Settings = { ["Lightning:AllowStubInProduction"] = "true", ["Agent:AllowOfflineInProduction"] = "true" },
        };

        var config = await (await production.CreateClient().GetAsync("/api/client-config")).ReadJsonAsync();

        Assert.False(config.GetProperty("stubPayments").GetBoolean());
    }

    [Fact]
    public async Task The_interactive_docs_are_served_and_point_at_the_generated_document()
    {
        var client = _factory.CreateClient();

        var docs = await client.GetAsync("/api/docs/");
        var document = await client.GetAsync("/api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("api/openapi.json", await docs.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal("application/json", document.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_docs_address_without_a_slash_leads_to_the_docs()
    {
        var response = await _factory.CreateClient().GetAsync("/api/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/api/docs/", response.RequestMessage?.RequestUri?.AbsolutePath);
    }

    public void Dispose() => _factory.Dispose();
}
