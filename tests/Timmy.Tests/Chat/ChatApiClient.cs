using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>Steps of the chat API over a real HttpClient.</summary>
public static class ChatApiClient
{
    public const string Conversations = "/api/gemini/conversations";

    public static async Task<int> CreateConversationAsync(this HttpClient client, string title = "A chat")
    {
        var response = await client.PostAsJsonAsync(Conversations, new { title });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    /// <summary>Posts a message and returns the streamed response with its headers read and its body not yet.</summary>
    public static async Task<HttpResponseMessage> StartMessageAsync(
        this HttpClient client, int conversationId, object body, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Conversations}/{conversationId}/messages") { Content = JsonContent.Create(body) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>Sends a message and reads the whole event stream.</summary>
    public static async Task<List<JsonElement>> SendMessageAsync(this HttpClient client, int conversationId, string content, string? model = null)
    {
        using var response = await client.StartMessageAsync(conversationId, model is null ? new { content } : new { content, model });
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync());
        return await events.ReadToEndAsync();
    }

    public static async Task<JsonElement> GetMessagesAsync(this HttpClient client, int conversationId)
    {
        var response = await client.GetAsync($"{Conversations}/{conversationId}/messages");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The text of the content events, in order, and whether the stream ended with done.</summary>
    public static (List<string> Chunks, bool Done) Summarize(List<JsonElement> events)
    {
        var chunks = events.Where(e => e.TryGetProperty("content", out _)).Select(e => e.Str("content")).ToList();
        var done = events.Count > 0 && events[^1].TryGetProperty("done", out var d) && d.GetBoolean();
        return (chunks, done);
    }

    public static string? ErrorOf(List<JsonElement> events) =>
        events.Count > 0 && events[^1].TryGetProperty("error", out var error) ? error.GetString() : null;
}
