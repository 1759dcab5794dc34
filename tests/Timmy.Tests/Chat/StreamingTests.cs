using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent.Offline;
using Timmy.Api.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>Replies stream over a real socket (Kestrel), read as they arrive.</summary>
public sealed class StreamingTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    [Fact]
    public async Task The_offline_model_streams_its_reply_in_several_chunks_then_done_and_both_messages_are_stored()
    {
        var client = Start();
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "What is a satoshi?");

        var (chunks, done) = ChatApiClient.Summarize(events);
        Assert.True(done);
        Assert.True(chunks.Count >= 3, $"expected several chunks, got {chunks.Count}");
        Assert.Equal(chunks.Count + 1, events.Count);
        var reply = string.Concat(chunks);
        Assert.StartsWith("You said: \"What is a satoshi?\".", reply);
        Assert.EndsWith(OfflineChatConversationClient.Signature, reply);

        var messages = (await client.GetMessagesAsync(id)).EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.Str("role")));
        Assert.Equal(["What is a satoshi?", reply], messages.Select(m => m.Str("content")));
        Assert.All(messages, m => Assert.True(m.GetProperty("isComplete").GetBoolean()));
    }

    [Fact]
    public async Task Chunks_arrive_in_the_order_the_model_sent_them()
    {
        var model = new StreamingChatClientDouble("one ", "two ", "three ", "four");
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "count");

        var (chunks, done) = ChatApiClient.Summarize(events);
        Assert.Equal(["one ", "two ", "three ", "four"], chunks);
        Assert.True(done);
        Assert.Equal("one two three four", (await client.GetMessagesAsync(id))[1].Str("content"));
    }

    [Fact]
    public async Task The_model_sees_the_whole_conversation()
    {
        var model = new StreamingChatClientDouble("Sure.");
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        await client.SendMessageAsync(id, "My name is Ada.");
        await client.SendMessageAsync(id, "What is my name?");

        var history = model.Calls[1].History;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User], history.Select(m => m.Role));
        Assert.Equal(["My name is Ada.", "Sure.", "What is my name?"], history.Select(m => m.Text));
    }

    [Fact]
    public async Task The_offline_model_quotes_the_first_message_of_a_longer_conversation()
    {
        var client = Start();
        var id = await client.CreateConversationAsync();
        await client.SendMessageAsync(id, "Remember the word pineapple.");

        var reply = string.Concat(ChatApiClient.Summarize(await client.SendMessageAsync(id, "Which word?")).Chunks);

        Assert.Contains("message 2 of our conversation, which began with \"Remember the word pineapple.\"", reply);
    }

    [Fact]
    public async Task The_default_model_is_gemini_3_flash_preview_and_the_body_can_override_it()
    {
        var model = new StreamingChatClientDouble("ok");
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        await client.SendMessageAsync(id, "first");
        await client.SendMessageAsync(id, "second", model: "gemini-2.5-pro");

        Assert.Equal(["gemini-3-flash-preview", "gemini-2.5-pro"], model.Calls.Select(c => c.Options?.ModelId));
    }

    [Fact]
    public async Task A_model_failure_mid_stream_sends_an_error_event_and_keeps_the_partial_reply_as_incomplete()
    {
        var model = new StreamingChatClientDouble("Half an ", "answer") { FailureAfterChunks = new HttpRequestException("upstream fell over") };
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "question");

        Assert.Equal(["Half an ", "answer"], ChatApiClient.Summarize(events).Chunks);
        Assert.StartsWith("The model provider could not be reached or failed (ref ", ChatApiClient.ErrorOf(events));
        var messages = (await client.GetMessagesAsync(id)).EnumerateArray().ToList();
        Assert.Equal("Half an answer", messages[1].Str("content"));
        Assert.False(messages[1].GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task An_internal_failure_is_reported_without_its_details_and_stores_only_the_question()
    {
        var model = new StreamingChatClientDouble { FailureAfterChunks = new InvalidOperationException("secret internals") };
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "question");

        Assert.StartsWith("The model failed to answer (ref ", ChatApiClient.ErrorOf(events));
        Assert.DoesNotContain("secret internals", ChatApiClient.ErrorOf(events));
        Assert.Single(events);
        Assert.Equal(["user"], (await client.GetMessagesAsync(id)).EnumerateArray().Select(m => m.Str("role")));
    }

    [Fact]
    public async Task An_empty_reply_is_an_error_event()
    {
        var client = Start(new StreamingChatClientDouble());
        var id = await client.CreateConversationAsync();

        var events = await client.SendMessageAsync(id, "question");

        Assert.Equal("The model returned an empty reply", ChatApiClient.ErrorOf(events));
    }

    public static TheoryData<string, string> BadMessages => new()
    {
        { "{}", "Invalid request: 'content' string is required" },
        { """{"content": ""}""", "Invalid request: 'content' must not be empty" },
        { """{"content": 3}""", "Invalid request: 'content' string is required" },
        { """{"content": "hi", "model": ""}""", "'model' must be a model name" },
        { """{"content": "hi", "model": "../../v1/files"}""", "'model' must be a model name" },
        { """{"content": "hi", "model": 5}""", "'model' must be a model name" },
        { """{"content": "hi", "model": "gemini-3-flash-preview\n"}""", "'model' must be a model name" },
        { """{"content": "hi""", "Malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_bad_message_is_a_400_before_anything_is_stored_or_streamed(string body, string expected)
    {
        var model = new StreamingChatClientDouble("never");
        var client = Start(model);
        var id = await client.CreateConversationAsync();

        var response = await client.PostRawAsync($"{ChatApiClient.Conversations}/{id}/messages", body);

        Assert.Contains(expected, await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Empty(model.Calls);
        Assert.Equal(0, (await client.GetMessagesAsync(id)).GetArrayLength());
    }

    [Fact]
    public async Task A_message_sent_as_text_plain_is_a_400()
    {
        var client = Start();
        var id = await client.CreateConversationAsync();

        var response = await client.PostRawAsync($"{ChatApiClient.Conversations}/{id}/messages", """{"content": "hi"}""", "text/plain");

        Assert.Contains("Content-Type must be application/json", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Replies_to_different_conversations_can_stream_at_the_same_time()
    {
        var client = Start();
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await client.CreateConversationAsync($"chat {i}"));
        }

        var streams = await Task.WhenAll(ids.Select(id => client.SendMessageAsync(id, $"hello {id}")));

        Assert.All(streams, events => Assert.True(ChatApiClient.Summarize(events).Done));
        foreach (var id in ids)
        {
            Assert.Equal(2, (await client.GetMessagesAsync(id)).GetArrayLength());
        }
    }

    private HttpClient Start(IChatClient? model = null)
    {
        var factory = new TimmyFactory
        {
            Settings = { ["Chat:Free"] = "true" },
            TestServices = services =>
            {
                if (model is not null)
                {
                    services.AddKeyedSingleton(ChatKeys.Chat, model);
                }
            },
        };
        factory.UseKestrel(0);
        _factories.Add(factory);
        return factory.CreateClient();
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
