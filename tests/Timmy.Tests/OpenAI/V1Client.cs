using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Boundary;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>What an OpenAI client sends to /v1, over a real HttpClient, and how the tests read the answers.</summary>
public static class V1Client
{
    public const string Completions = "/v1/chat/completions";
    public const string Images = "/v1/images/generations";

    public static object Ask(string text = "What is a satoshi?", int? maxTokens = null, bool stream = false, bool includeUsage = false, string model = "timmy-offline-1") =>
        new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = text } },
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new { include_usage = true } : null,
        };

    public const int ConversationCap = 321;
    public const string ConversationAssistantTurn = "A satoshi is the smallest unit of bitcoin.";
    public static readonly string[] ConversationStop = ["\n\n", "END"];

    /// <summary>A request with every field served: an earlier assistant turn, a cap named by <paramref name="capField"/>, temperature and stop.</summary>
    public static object Conversation(string model, string capField = "max_tokens", bool stream = false) => new Dictionary<string, object?>
    {
        ["model"] = model,
        ["messages"] = new object[]
        {
            new { role = "system", content = "Be brief." }, new { role = "user", content = "What is a satoshi?" },
            new { role = "assistant", content = ConversationAssistantTurn }, new { role = "user", content = "How many make a bitcoin?" },
        },
        [capField] = ConversationCap,
        ["temperature"] = 0.25,
        ["stop"] = ConversationStop,
        ["stream"] = stream,
    };

    /// <summary>An L402 token as an OpenAI API key: <c>Bearer macaroon:preimage</c>, and the session it is the key to.</summary>
    public static async Task<(string Authorization, Guid SessionId)> BuyKeyAsync(this HttpClient client, TimmyFactory factory)
    {
        var (_, challenge, preimage) = await client.BuyL402Async();
        var sessionId = await factory.WithDbAsync(db => db.Invoices.Where(i => i.PaymentHash == challenge.PaymentHash).Select(i => i.SessionId!.Value).SingleAsync());
        return ($"Bearer {challenge.Macaroon}:{preimage}", sessionId);
    }

    public static Task<HttpResponseMessage> CompleteAsync(this HttpClient client, string? authorization, object? body = null) =>
        client.SendAsync(HttpMethod.Post, Completions, authorization, body ?? Ask());

    public static long Header(this HttpResponseMessage response, string name) => long.Parse(response.Headers.GetValues(name).Single());

    /// <summary>The OpenAI error object, after checking the status and the shape the SDKs parse.</summary>
    public static async Task<JsonElement> AssertOpenAIErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(IsOpenAIError(body), $"not an OpenAI error: {body}");
        return body.GetProperty("error");
    }

    /// <summary>OpenAI's error shape, which the SDKs parse: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static bool IsOpenAIError(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
        && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _);

    /// <summary>Every <c>data:</c> payload of an event stream, in order (the last of a finished one is <c>[DONE]</c>).</summary>
    public static async Task<List<string>> ReadEventsAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => { Assert.StartsWith("data: ", e); return e["data: ".Length..]; })
            .ToList();
    }

    public static Task<Session> SessionAsync(this TimmyFactory factory, Guid id) =>
        factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id));

    public static Task<long> LedgerSumAsync(this TimmyFactory factory, Guid id) =>
        factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == id).SumAsync(e => e.AmountSats));

    public static Task<List<long>> DebitsAsync(this TimmyFactory factory, Guid id) =>
        factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == id && e.Kind == LedgerEntryKind.UsageDebit).Select(e => -e.AmountSats).ToListAsync());
}
