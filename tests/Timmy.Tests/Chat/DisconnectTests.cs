using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>A client that hangs up mid-reply, over a real socket.</summary>
public sealed class DisconnectTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly StreamingChatClientDouble _model = new("Partial ", "answer ") { FirstCallWaitsForCancellation = true };
    private readonly TimmyFactory _factory;
    private readonly HttpClient _client;

    public DisconnectTests()
    {
        _factory = new TimmyFactory { Settings = { ["Chat:Free"] = "true" }, TestServices = s => s.AddKeyedSingleton<IChatClient>(ChatKeys.Chat, _model) };
        _factory.UseKestrel(0);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_stops_the_model_and_its_partial_reply_is_kept_as_incomplete()
    {
        var id = await _client.CreateConversationAsync();

        var received = await SendAndHangUpAsync(id, "Tell me a long story");

        Assert.Equal(["Partial ", "answer "], received);
        // The server noticed: the model call was cancelled rather than left running.
        await _model.Cancelled.Task.WaitAsync(Patience);
        var reply = await WaitForAssistantMessageAsync(id);
        Assert.Equal("Partial answer ", reply.Content);
        Assert.False(reply.IsComplete);
        var listed = (await _client.GetMessagesAsync(id)).EnumerateArray().ToList();
        Assert.Equal(["Tell me a long story", "Partial answer "], listed.Select(m => m.Str("content")));
        Assert.False(listed[1].GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task The_server_stays_healthy_after_a_client_leaves()
    {
        var id = await _client.CreateConversationAsync();
        await SendAndHangUpAsync(id, "first");
        await _model.Cancelled.Task.WaitAsync(Patience);
        await WaitForAssistantMessageAsync(id);

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/healthz")).StatusCode);
        var next = await _client.SendMessageAsync(id, "second");
        Assert.True(ChatApiClient.Summarize(next).Done);
        Assert.Equal(["first", "Partial answer ", "second", "Partial answer "],
            (await _client.GetMessagesAsync(id)).EnumerateArray().Select(m => m.Str("content")));
    }

    [Fact]
    public async Task A_conversation_deleted_while_its_reply_streams_drops_the_reply_without_harm()
    {
        var id = await _client.CreateConversationAsync();
        using var response = await _client.StartMessageAsync(id, new { content = "question" });
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync());
        await events.NextAsync();
        await events.NextAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{ChatApiClient.Conversations}/{id}")).StatusCode);
        using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => events.NextAsync(hangUp.Token));
        await _model.Cancelled.Task.WaitAsync(Patience);

        Assert.Equal(0, await _factory.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/healthz")).StatusCode);
    }

    /// <summary>Reads the model's two chunks, then hangs up in the middle of waiting for a third that never comes.</summary>
    private async Task<List<string>> SendAndHangUpAsync(int conversationId, string content)
    {
        using var response = await _client.StartMessageAsync(conversationId, new { content });
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync());
        var received = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            received.Add((await events.NextAsync())!.Value.Str("content"));
        }

        using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => events.NextAsync(hangUp.Token));
        return received;
    }

    private async Task<Timmy.Api.Chat.Message> WaitForAssistantMessageAsync(int conversationId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var reply = await _factory.WithDbAsync(db => db.Messages.AsNoTracking()
                .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.Role == "assistant"));
            if (reply is not null)
            {
                return reply;
            }

            Assert.True(DateTime.UtcNow < deadline, "the partial reply was never stored");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _factory.Dispose();
}
