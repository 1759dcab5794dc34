using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Testing;
using Timmy.Api.Agent;
using Timmy.Api.Chat;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// A provider's own error text never reaches a client: the client gets Timmy's words and a reference, and the log
/// has the provider's text under the same reference.
/// </summary>
public sealed class PublicFailureTests
{
    private const string ProviderText = "upstream 500 from gpu-7.internal.example: key sk-live-123";

    [Fact]
    public async Task A_failed_job_says_what_failed_in_timmys_words_and_logs_the_providers_text_under_its_reference()
    {
        using var factory = Failing(AgentKeys.Work);

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", job.Str("state"));
        var reference = AssertTimmysWords(job.Str("errorMessage"), "The AI model could not complete the job");
        AssertLogged(factory, reference);
    }

    [Fact]
    public async Task A_failed_session_request_and_demo_say_it_in_timmys_words()
    {
        using var factory = Failing(AgentKeys.Work);
        var client = factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var session = await (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).ReadJsonAsync();
        var demo = await (await client.GetAsync("/api/demo?request=ping")).AssertErrorAsync(HttpStatusCode.InternalServerError);

        AssertLogged(factory, AssertTimmysWords(session.Str("errorMessage"), "The AI model could not complete the request"));
        AssertLogged(factory, AssertTimmysWords(demo, "Demo failed: the AI model could not answer"));
    }

    [Fact]
    public async Task A_failed_chat_reply_says_it_in_timmys_words()
    {
        using var factory = new TimmyFactory
        {
            Settings = { ["Chat:Free"] = "true" }, // the chat's own failure, not the payment boundary in front of it
            TestServices = s => s.AddFakeLogging().AddKeyedSingleton<IChatClient>(ChatKeys.Chat, new StreamingChatClientDouble
            {
                FailureAfterChunks = new HttpRequestException(ProviderText, null, HttpStatusCode.BadGateway),
            }),
        };
        var client = factory.CreateClient();
        var id = await client.CreateConversationAsync();

        var error = ChatApiClient.ErrorOf(await client.SendMessageAsync(id, "hi"));

        AssertLogged(factory, AssertTimmysWords(error!, "The model provider is unavailable; try again later"));
    }

    private static TimmyFactory Failing(string key) => new()
    {
        TestServices = s =>
        {
            s.AddFakeLogging();
            s.ReplaceChatClient(key, _ => ScriptedChatClient.Throwing(ProviderText));
        },
    };

    /// <summary>Returns the reference the message gives.</summary>
    private static string AssertTimmysWords(string message, string words)
    {
        Assert.DoesNotContain("internal.example", message);
        Assert.DoesNotContain("sk-live", message);
        var match = Regex.Match(message, @"^(?<words>.+) \(ref (?<ref>[0-9a-f]{12})\)$");
        Assert.True(match.Success, message);
        Assert.Equal(words, match.Groups["words"].Value);
        return match.Groups["ref"].Value;
    }

    private static void AssertLogged(TimmyFactory factory, string reference)
    {
        var record = Assert.Single(factory.Services.GetFakeLogCollector().GetSnapshot(), r => r.Message.Contains(reference));
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains(ProviderText, record.Exception!.ToString());
    }
}
