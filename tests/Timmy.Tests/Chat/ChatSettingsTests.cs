using Timmy.Api.Agent.Offline;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

public sealed class ChatSettingsTests
{
    [Fact]
    public void An_unknown_chat_provider_stops_the_app_at_start_naming_the_known_ones()
    {
        using var factory = new TimmyFactory { Settings = { ["Chat:Provider"] = "nonsense" } };

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Chat:Provider is 'nonsense'; expected one of 'offline', 'gemini', 'agent'", error.Message);
    }

    [Fact]
    public void Gemini_without_an_api_key_stops_the_app_at_start()
    {
        using var factory = new TimmyFactory { Settings = { ["Chat:ImageProvider"] = "gemini", ["Chat:Gemini:ApiKey"] = "" } };

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("set GEMINI_API_KEY, GOOGLE_API_KEY or Chat:Gemini:ApiKey", error.Message);
    }

    [Fact]
    public async Task Chat_can_be_routed_to_the_agents_work_model()
    {
        using var factory = new TimmyFactory { Settings = { ["Chat:Provider"] = "agent", ["Chat:Free"] = "true" } };
        var client = factory.CreateClient();
        var id = await client.CreateConversationAsync();

        var reply = string.Concat(ChatApiClient.Summarize(await client.SendMessageAsync(id, "What is a satoshi?")).Chunks);

        Assert.StartsWith("A satoshi is the smallest unit of Bitcoin", reply);
        Assert.EndsWith(OfflineWorkChatClient.Disclaimer, reply);
    }
}
