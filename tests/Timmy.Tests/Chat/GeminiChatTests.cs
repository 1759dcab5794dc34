using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Chat;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>The real Gemini client, driven through the API against a fake Gemini on loopback.</summary>
public sealed class GeminiChatTests : IAsyncLifetime
{
    private FakeGeminiServer _gemini = null!;
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartAsync();
        _factory = GeminiFactory.For(_gemini);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task A_message_streams_geminis_chunks_in_order_then_done_and_stores_the_reply()
    {
        var id = await _client.CreateConversationAsync();

        var events = await _client.SendMessageAsync(id, "Say hello");

        var (chunks, done) = ChatApiClient.Summarize(events);
        Assert.Equal(["Hello", " from", " Gemini"], chunks);
        Assert.True(done);
        var messages = (await _client.GetMessagesAsync(id)).EnumerateArray().ToList();
        Assert.Equal(["Say hello", "Hello from Gemini"], messages.Select(m => m.Str("content")));
        Assert.True(messages[1].GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task The_call_uses_the_sse_stream_endpoint_the_default_model_and_the_api_key_header()
    {
        var id = await _client.CreateConversationAsync();

        await _client.SendMessageAsync(id, "Say hello");

        var call = Assert.Single(_gemini.Calls);
        Assert.Equal(("gemini-3-flash-preview", "streamGenerateContent", "sse"), (call.Model, call.Method, call.Alt));
        Assert.Equal(FakeGeminiServer.ApiKey, call.ApiKey);
        Assert.Equal([("user", "Say hello")], call.Turns);
    }

    [Fact]
    public async Task Gemini_is_sent_the_whole_history_with_the_assistant_as_model()
    {
        var id = await _client.CreateConversationAsync();
        await _client.SendMessageAsync(id, "My name is Ada.");

        await _client.SendMessageAsync(id, "What is my name?");

        Assert.Equal(
            [("user", "My name is Ada."), ("model", "Hello from Gemini"), ("user", "What is my name?")],
            _gemini.Calls[1].Turns);
    }

    [Fact]
    public async Task The_model_in_the_body_is_the_model_in_the_url()
    {
        var id = await _client.CreateConversationAsync();

        await _client.SendMessageAsync(id, "hi", model: "gemini-2.5-pro");

        Assert.Equal("gemini-2.5-pro", Assert.Single(_gemini.Calls).Model);
    }

    [Fact]
    public async Task A_429_from_gemini_becomes_an_error_event_saying_so_and_only_the_question_is_stored()
    {
        _gemini.Failure = GeminiFailure.QuotaExhausted;
        var id = await _client.CreateConversationAsync();

        var events = await _client.SendMessageAsync(id, "hi");

        var error = Assert.Single(events).Str("error");
        Assert.StartsWith("The model provider is limiting requests; try again later (ref ", error);
        Assert.Equal(["user"], (await _client.GetMessagesAsync(id)).EnumerateArray().Select(m => m.Str("role")));
    }

    [Fact]
    public async Task An_error_event_in_geminis_stream_ends_the_reply_with_an_error_and_keeps_the_partial_text()
    {
        _gemini.FailureMidStream = GeminiFailure.Overloaded;
        var id = await _client.CreateConversationAsync();

        var events = await _client.SendMessageAsync(id, "hi");

        Assert.Equal(["Hello", " from", " Gemini"], ChatApiClient.Summarize(events).Chunks);
        Assert.StartsWith("The model provider is unavailable; try again later (ref ", ChatApiClient.ErrorOf(events));
        var reply = (await _client.GetMessagesAsync(id))[1];
        Assert.Equal("Hello from Gemini", reply.Str("content"));
        Assert.False(reply.GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task A_gemini_connection_that_drops_mid_reply_ends_the_stream_with_an_error_event()
    {
        _gemini.DropStreamWhenReleased = new TaskCompletionSource();
        var id = await _client.CreateConversationAsync();
        using var response = await _client.StartMessageAsync(id, new { content = "hi" });
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync());
        for (var i = 0; i < 3; i++)
        {
            await events.NextAsync();
        }

        _gemini.DropStreamWhenReleased.SetResult();

        Assert.Equal("The connection to the model was lost", ChatApiClient.ErrorOf(await events.ReadToEndAsync()));
        Assert.False((await _client.GetMessagesAsync(id))[1].GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_api_key_is_reported_as_geminis_invalid_argument()
    {
        await using var wrongKey = GeminiFactory.For(_gemini, apiKey: "not-the-key");
        var client = wrongKey.CreateClient();
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "hi");

        Assert.StartsWith("The model provider refused the request (ref ", ChatApiClient.ErrorOf(events));
    }

    [Fact]
    public async Task The_client_answers_whole_replies_through_generateContent_with_usage_and_system_instruction()
    {
        var chat = _factory.Services.GetRequiredKeyedService<IChatClient>(ChatKeys.Chat);

        var response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Say hello")],
            new ChatOptions { MaxOutputTokens = 64 });

        Assert.Equal("Hello from Gemini", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((8L, 3L, 11L), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount));
        var call = Assert.Single(_gemini.Calls);
        Assert.Equal("generateContent", call.Method);
        Assert.Equal("Be brief.", call.Body.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(64, call.Body.GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal([("user", "Say hello")], call.Turns);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _gemini.DisposeAsync();
    }
}

internal static class GeminiFactory
{
    /// <summary>The app with Gemini as chat and image provider, pointed at the fake.</summary>
    public static TimmyFactory For(FakeGeminiServer gemini, string apiKey = FakeGeminiServer.ApiKey) => new()
    {
        Settings =
        {
            ["Chat:Free"] = "true",
            ["Chat:Provider"] = "gemini",
            ["Chat:ImageProvider"] = "gemini",
            ["Chat:Gemini:ApiKey"] = apiKey,
            ["Chat:Gemini:BaseUrl"] = gemini.BaseUrl,
        },
    };
}
