using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

public sealed class ConversationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 30, 15, 250, TimeSpan.Zero);
    private readonly TimmyFactory _factory;
    private readonly HttpClient _client;

    public ConversationTests()
    {
        _factory = new TimmyFactory { Settings = { ["Chat:Free"] = "true" }, TestServices = s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)) };
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Creating_a_conversation_returns_201_with_an_integer_id_title_and_utc_timestamp()
    {
        var response = await _client.PostAsJsonAsync(ChatApiClient.Conversations, new { title = "Lightning questions" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt32();
        Assert.True(id > 0);
        Assert.Equal("Lightning questions", body.Str("title"));
        Assert.Equal("2026-11-22T12:30:15.250Z", body.Str("createdAt"));
        Assert.Equal($"/api/gemini/conversations/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_list_shows_every_conversation_newest_first()
    {
        var first = await _client.CreateConversationAsync("first");
        var second = await _client.CreateConversationAsync("second");

        var list = await (await _client.GetAsync(ChatApiClient.Conversations)).ReadJsonAsync();

        Assert.Equal([second, first], list.EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
        Assert.Equal(["second", "first"], list.EnumerateArray().Select(c => c.Str("title")));
    }

    [Fact]
    public async Task An_empty_list_is_an_empty_array()
    {
        var response = await _client.GetAsync(ChatApiClient.Conversations);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.ReadJsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task A_conversation_comes_with_its_messages_in_order()
    {
        var id = await _client.CreateConversationAsync("Chat");
        await _client.SendMessageAsync(id, "Hello there");

        var body = await (await _client.GetAsync($"{ChatApiClient.Conversations}/{id}")).ReadJsonAsync();

        Assert.Equal(id, body.GetProperty("id").GetInt32());
        Assert.Equal("Chat", body.Str("title"));
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.Str("role")));
        Assert.Equal("Hello there", messages[0].Str("content"));
        Assert.All(messages, m => Assert.Equal(id, m.GetProperty("conversationId").GetInt32()));
        Assert.All(messages, m => Assert.Equal("2026-11-22T12:30:15.250Z", m.Str("createdAt")));
        Assert.All(messages, m => Assert.True(m.GetProperty("isComplete").GetBoolean()));
    }

    [Fact]
    public async Task Deleting_a_conversation_returns_204_and_deletes_its_messages()
    {
        var kept = await _client.CreateConversationAsync("kept");
        var doomed = await _client.CreateConversationAsync("doomed");
        await _client.SendMessageAsync(kept, "stay");
        await _client.SendMessageAsync(doomed, "go");

        var response = await _client.DeleteAsync($"{ChatApiClient.Conversations}/{doomed}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await _client.GetAsync($"{ChatApiClient.Conversations}/{doomed}")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == doomed)));
        Assert.Equal(2, await _factory.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == kept)));
    }

    [Fact]
    public async Task Deleting_twice_is_a_404_the_second_time()
    {
        var id = await _client.CreateConversationAsync();
        await _client.DeleteAsync($"{ChatApiClient.Conversations}/{id}");

        var again = await _client.DeleteAsync($"{ChatApiClient.Conversations}/{id}");

        Assert.Equal("Conversation not found", await again.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("GET", "/api/gemini/conversations/999")]
    [InlineData("DELETE", "/api/gemini/conversations/999")]
    [InlineData("GET", "/api/gemini/conversations/999/messages")]
    [InlineData("POST", "/api/gemini/conversations/999/messages")]
    public async Task An_unknown_conversation_is_a_404_json_error(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { content = "hi" }) };

        var response = await _client.SendAsync(request);

        Assert.Equal("Conversation not found", await response.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("99999999999999999999")]
    [InlineData("%20")]
    public async Task A_non_integer_id_is_a_400_json_error_on_every_route(string id)
    {
        var path = $"{ChatApiClient.Conversations}/{id}";
        var responses = new[]
        {
            await _client.GetAsync(path),
            await _client.DeleteAsync(path),
            await _client.GetAsync($"{path}/messages"),
            await _client.PostAsJsonAsync($"{path}/messages", new { content = "hi" }),
        };

        foreach (var response in responses)
        {
            Assert.Contains("Invalid conversation id", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        }
    }

    public static TheoryData<string, string, string> BadTitles => new()
    {
        { "{}", "application/json", "Invalid request: 'title' string is required" },
        { """{"title": 7}""", "application/json", "Invalid request: 'title' string is required" },
        { """{"title": null}""", "application/json", "Invalid request: 'title' string is required" },
        { """{"title": ""}""", "application/json", "Invalid request: 'title' must not be empty" },
        { """{"title": "  "}""", "application/json", "Invalid request: 'title' must not be empty" },
        { """{"title": "bell \u0007"}""", "application/json", "control character" },
        { """{"title": "unterminated""", "application/json", "Malformed JSON" },
        { "", "application/json", "Request body is required" },
        { "[]", "application/json", "must be a JSON object" },
        { """{"title": "hello"}""", "text/plain", "Content-Type must be application/json" },
    };

    [Theory]
    [MemberData(nameof(BadTitles))]
    public async Task A_bad_title_is_a_400_and_creates_nothing(string body, string contentType, string expected)
    {
        var response = await _client.PostRawAsync(ChatApiClient.Conversations, body, contentType);

        Assert.Contains(expected, await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Conversations.CountAsync()));
    }

    [Fact]
    public async Task A_title_over_the_limit_is_refused_with_the_limit_named()
    {
        var response = await _client.PostAsJsonAsync(ChatApiClient.Conversations, new { title = new string('t', 201) });

        Assert.Contains("at most 200 characters", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    public void Dispose() => _factory.Dispose();
}
