using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;
using Microsoft.Extensions.Options;
using Timmy.Api.Chat;
using Timmy.Api.Sessions;
using Timmy.Tests.Boundary;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Agent;

/// <summary>
/// No free usage: a provider (or proxy) that reports no usage, or no output tokens for an answer with text, is
/// charged for the tokens the tokenizer counts, in jobs, sessions and chat alike.
/// </summary>
public sealed class MissingUsageTests
{
    private const string Answer = "Lightning is a network of payment channels that settles on Bitcoin, fast and cheap.";

    private static readonly int AnswerTokens = new TokenCounter().Count(Answer);

    private const int ReportedInput = 40;

    private static readonly string LongAnswer = string.Join(' ', Enumerable.Repeat(Answer, 40));

    [Fact]
    public async Task A_job_whose_model_reports_no_usage_is_charged_for_the_counted_tokens()
    {
        using var factory = WithWorkModel(ScriptedChatClient.Saying(Answer));
        var client = factory.CreateClient();

        var job = await client.RunJobAsync("Explain the Lightning Network in one sentence");

        var ledger = job.GetProperty("costLedger");
        Assert.Equal(AnswerTokens, ledger.GetProperty("actualOutputTokens").GetInt32());
        Assert.True(ledger.GetProperty("actualInputTokens").GetInt32() > 10, "the prompt and request are counted");
    }

    [Fact]
    public async Task Zero_output_tokens_for_a_non_empty_answer_are_counted_and_reported_input_is_kept()
    {
        var model = new ScriptedChatClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer))
        {
            Usage = new() { InputTokenCount = 77, OutputTokenCount = 0 },
        });
        using var factory = WithWorkModel(model);
        var client = factory.CreateClient();

        var job = await client.RunJobAsync("Explain the Lightning Network in one sentence");

        var ledger = job.GetProperty("costLedger");
        Assert.Equal((77, AnswerTokens), (ledger.GetProperty("actualInputTokens").GetInt32(), ledger.GetProperty("actualOutputTokens").GetInt32()));
    }

    [Fact]
    public async Task A_session_request_whose_model_reports_no_usage_is_debited_for_the_counted_tokens()
    {
        using var factory = WithWorkModel(ScriptedChatClient.Saying(Answer));
        var client = factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var response = await client.SessionRequestAsync(id, macaroon, "Explain the Lightning Network in one sentence");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await factory.WithDbAsync(db => db.SessionRequests.SingleAsync());
        Assert.Equal(AnswerTokens, record.WorkOutputTokens);
        Assert.True(record.WorkInputTokens > 10);
    }

    [Fact]
    public async Task A_chat_provider_that_streams_no_usage_gets_counted_usage()
    {
        using var factory = new TimmyFactory
        {
            Settings = { ["Chat:Provider"] = "silent" },
            TestServices = services => services.AddNamedProvider<IChatClient>("silent", _ => new StreamingChatClientDouble("Half an ", "answer.")),
        };
        _ = factory.CreateClient();
        var chat = factory.Services.GetRequiredKeyedService<IChatClient>(ChatKeys.Chat);

        var response = await chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Say half an answer")]).ToChatResponseAsync();

        Assert.Equal("Half an answer.", response.Text);
        Assert.Equal(new TokenCounter().Count("Half an answer."), response.Usage?.OutputTokenCount);
        Assert.Equal(new TokenCounter().Count("Say half an answer"), response.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task A_paid_chat_message_whose_provider_reports_zero_output_tokens_is_debited_for_the_counted_reply()
    {
        using var factory = new TimmyFactory
        {
            Settings = { ["Chat:Provider"] = "no-output" },
            // A provider (or proxy) that streams its answer and then reports input tokens but zero output tokens.
            TestServices = services => services.AddNamedProvider<IChatClient>("no-output", _ => new ScriptedChatClient(() =>
                new ChatResponse(new ChatMessage(ChatRole.Assistant, LongAnswer)) { Usage = new() { InputTokenCount = ReportedInput, OutputTokenCount = 0 } })),
        };
        var client = factory.CreateClient();
        var (authorization, _, _) = await client.BuyL402Async();
        var created = await (await client.SendAsync(HttpMethod.Post, ChatApiClient.Conversations, authorization, new { title = "Usage" })).ReadJsonAsync();

        var reply = await client.SendAsync(HttpMethod.Post, $"{ChatApiClient.Conversations}/{created.GetProperty("id").GetInt32()}/messages",
            authorization, new { content = "Explain Lightning" });

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Contains("\"done\":true", await reply.Content.ReadAsStringAsync());
        var costs = factory.Services.GetRequiredService<ChatCosts>();
        var model = factory.Services.GetRequiredService<IOptions<ChatSettings>>().Value.Model;
        var expected = await costs.ActualSatsAsync(model, ["Explain Lightning"], LongAnswer,
            new UsageDetails { InputTokenCount = ReportedInput, OutputTokenCount = new TokenCounter().Count(LongAnswer) }, CancellationToken.None);
        var asReported = await costs.ActualSatsAsync(model, ["Explain Lightning"], LongAnswer,
            new UsageDetails { InputTokenCount = ReportedInput, OutputTokenCount = 0 }, CancellationToken.None);
        Assert.True(expected > asReported, "the reply is long enough for its tokens to cost sats");
        var debit = await factory.WithDbAsync(db => db.SessionLedger.SingleAsync(e => e.Kind == LedgerEntryKind.UsageDebit));
        Assert.Equal(expected, -debit.AmountSats);
    }

    private static TimmyFactory WithWorkModel(IChatClient model) => new()
    {
        TestServices = services => services.ReplaceChatClient(AgentKeys.Work, _ => model),
    };
}
