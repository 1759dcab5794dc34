using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Hosting;

/// <summary>
/// Production does not sell the offline model's canned answers or the offline painter's pictures unless told to, as it
/// refuses the stub.
/// </summary>
public sealed class OfflineInProductionTests
{
    private static readonly Dictionary<string, string?> StubAllowed = new() { ["Lightning:AllowStubInProduction"] = "true" };

    [Fact]
    public void Production_refuses_the_offline_agent_and_chat()
    {
        using var production = new TimmyFactory { EnvironmentName = "Production", Settings = new(StubAllowed) };

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("offline model answers in Production (Agent:Provider, Chat:Provider, Chat:ImageProvider = offline)", error.ToString());
        Assert.Contains("Agent:AllowOfflineInProduction=true", error.ToString());
    }

    [Fact]
    public async Task Production_with_a_real_agent_still_refuses_the_offline_chat()
    {
        await using var anthropic = new FakeAnthropic();
        await anthropic.StartAsync();
        var settings = new Dictionary<string, string?>(StubAllowed);
        foreach (var (key, value) in anthropic.TimmySettings())
        {
            settings[key] = value;
        }

        using (var production = new TimmyFactory { EnvironmentName = "Production", Settings = settings })
        {
            var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());
            Assert.Contains("(Chat:Provider, Chat:ImageProvider = offline)", error.ToString());
        }

        settings["Chat:Provider"] = "agent";
        using (var withAgentChat = new TimmyFactory { EnvironmentName = "Production", Settings = settings })
        {
            var error = Assert.ThrowsAny<Exception>(() => withAgentChat.CreateClient());
            Assert.Contains("(Chat:ImageProvider = offline)", error.ToString());
            Assert.Contains("Chat:ImageProvider=none", error.ToString());
        }

        settings["Chat:ImageProvider"] = "none";
        using var withoutImages = new TimmyFactory { EnvironmentName = "Production", Settings = settings };
        var response = await withoutImages.CreateClient().GetAsync("/api/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_images_off_the_image_routes_answer_503_before_any_payment_is_asked()
    {
        using var factory = new TimmyFactory { Settings = { ["Chat:ImageProvider"] = "none" } };
        var client = factory.CreateClient();

        var api = await client.PostAsJsonAsync("/api/gemini/generate-image", new { prompt = "a lighthouse" });
        var v1 = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "a lighthouse" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.False(api.Headers.Contains("WWW-Authenticate"));
        Assert.Equal("Image generation is off on this server (Chat:ImageProvider=none)",
            (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, v1.StatusCode);
        Assert.False(v1.Headers.Contains("WWW-Authenticate"));
        var error = (await v1.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("images_off", error.GetProperty("code").GetString());
        Assert.Equal("api_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Production_runs_the_offline_model_when_explicitly_allowed()
    {
        using var production = new TimmyFactory
        {
            EnvironmentName = "Production",
            Settings = new(StubAllowed) { ["Agent:AllowOfflineInProduction"] = "true" },
        };

        var response = await production.CreateClient().GetAsync("/api/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
