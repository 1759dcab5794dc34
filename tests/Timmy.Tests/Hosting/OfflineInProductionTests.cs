using System.Net;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Hosting;

/// <summary>Production does not sell the offline model's canned answers unless told to, as it refuses the stub.</summary>
public sealed class OfflineInProductionTests
{
    private static readonly Dictionary<string, string?> StubAllowed = new() { ["Lightning:AllowStubInProduction"] = "true" };

    [Fact]
    public void Production_refuses_the_offline_agent_and_chat()
    {
        using var production = new TimmyFactory { EnvironmentName = "Production", Settings = new(StubAllowed) };

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("offline model answers in Production (Agent:Provider, Chat:Provider = offline)", error.ToString());
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
            Assert.Contains("(Chat:Provider = offline)", error.ToString());
        }

        settings["Chat:Provider"] = "agent";
        using var withAgentChat = new TimmyFactory { EnvironmentName = "Production", Settings = settings };
        var response = await withAgentChat.CreateClient().GetAsync("/api/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
