using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Timmy.Tests.Fakes;

/// <summary>
/// Anthropic's Messages API as ref/backends.md describes it: <c>POST /v1/messages</c> answered with a
/// Message (JSON) or, with <c>"stream": true</c>, the SSE event sequence; errors in Anthropic's shape
/// (429 rate_limit_error, 529 overloaded_error, 500 api_error…). Eval prompts get a JSON verdict.
/// </summary>
public sealed class FakeAnthropic : LoopbackServer
{
    public const string ApiKey = "sk-ant-test-key";
    public const string WorkAnswer = "Lightning is a network of payment channels on top of Bitcoin.";

    public static readonly (int Input, int Output) EvalUsage = (31, 9);
    public static readonly (int Input, int Output) WorkUsage = (57, 23);

    private int _messages;

    /// <summary>When set, every message request fails with this status and Anthropic's error body.</summary>
    public int? FailWith { get; set; }

    /// <summary>With <see cref="FailWith"/>: fail only this many message requests, then answer again (a short outage).</summary>
    public int? FailTimes
    {
        get => _failTimes;
        set
        {
            _failTimes = value;
            _failuresLeft = value ?? 0;
        }
    }

    private int? _failTimes;
    private int _failuresLeft;

    public int MessageRequests => Volatile.Read(ref _messages);

    /// <summary>
    /// When set, the work answer is as long as the request's <c>max_tokens</c> allows and its usage says so, as a
    /// model asked to "write 1000 words" does.
    /// </summary>
    public bool WorkWritesToTheCap { get; set; }

    /// <summary>The <c>max_tokens</c> of the last work request.</summary>
    public int? LastWorkMaxTokens { get; private set; }

    /// <summary>The body of the last work request (not an eval), as it came over the wire.</summary>
    public JsonElement? LastWorkBody { get; private set; }

    /// <summary>The last request's model, headers and body, for assertions.</summary>
    public (string Model, string? ApiKeyHeader, string? Authorization, string? Version)? LastRequest { get; private set; }

    protected override object ServerErrorBody => ErrorBody("api_error", "Internal server error");

    public Dictionary<string, string?> TimmySettings() => new()
    {
        ["Agent:Provider"] = "anthropic",
        ["Agent:Anthropic:ApiKey"] = ApiKey,
        ["Agent:Anthropic:BaseUrl"] = BaseAddress.ToString().TrimEnd('/'),
        ["Agent:Anthropic:MaxRetries"] = "1",
        ["Agent:Anthropic:TimeoutSeconds"] = "5",
    };

    protected override void Map(WebApplication app) => app.MapPost("/v1/messages", MessagesAsync);

    private async Task MessagesAsync(HttpContext context)
    {
        Interlocked.Increment(ref _messages);
        var headers = context.Request.Headers;
        var body = await ReadJsonAsync(context.Request);
        var model = body.GetProperty("model").GetString()!;
        LastRequest = (model, headers["x-api-key"].FirstOrDefault(), headers.Authorization.FirstOrDefault(), headers["anthropic-version"].FirstOrDefault());

        // Newer SDKs send a bearer token, older ones x-api-key; accept either.
        if (headers["x-api-key"] != ApiKey && headers.Authorization != $"Bearer {ApiKey}")
        {
            await Results.Json(ErrorBody("authentication_error", "invalid x-api-key"), statusCode: 401).ExecuteAsync(context);
            return;
        }

        if (FailWith is { } status && (FailTimes is null || Interlocked.Decrement(ref _failuresLeft) >= 0))
        {
            // Retry-After 0 keeps the SDK's retries fast in tests; the real API sends seconds.
            context.Response.Headers["retry-after"] = "0";
            await Results.Json(ErrorBody(ErrorType(status), ErrorMessage(status)), statusCode: status).ExecuteAsync(context);
            return;
        }

        var isEval = SystemPrompt(body).Contains("gatekeeper", StringComparison.Ordinal);
        var text = isEval ? """{"accepted": true, "category": "none", "reason": "A fair question."}""" : WorkAnswer;
        var usage = isEval ? EvalUsage : WorkUsage;
        if (!isEval)
        {
            LastWorkBody = body.Clone();
            LastWorkMaxTokens = body.TryGetProperty("max_tokens", out var max) ? max.GetInt32() : null;
            if (WorkWritesToTheCap && LastWorkMaxTokens is { } cap)
            {
                (text, usage) = (string.Join(' ', Enumerable.Repeat("word", cap)), (usage.Input, cap));
            }
        }

        if (body.TryGetProperty("stream", out var stream) && stream.GetBoolean())
        {
            await StreamAsync(context, model, text, usage);
            return;
        }

        await Results.Json(new
        {
            id = "msg_01FakeFakeFakeFakeFake",
            type = "message",
            role = "assistant",
            model,
            content = new[] { new { type = "text", text } },
            stop_reason = "end_turn",
            stop_sequence = (string?)null,
            usage = new { input_tokens = usage.Input, output_tokens = usage.Output },
        }).ExecuteAsync(context);
    }

    private static async Task StreamAsync(HttpContext context, string model, string text, (int Input, int Output) usage)
    {
        context.Response.ContentType = "text/event-stream";
        var half = text.Length / 2;
        await EventAsync(context, "message_start", new
        {
            type = "message_start",
            message = new
            {
                id = "msg_01FakeStream",
                type = "message",
                role = "assistant",
                model,
                content = Array.Empty<object>(),
                stop_reason = (string?)null,
                stop_sequence = (string?)null,
                usage = new { input_tokens = usage.Input, output_tokens = 1 },
            },
        });
        await EventAsync(context, "content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } });
        await EventAsync(context, "ping", new { type = "ping" });
        foreach (var part in new[] { text[..half], text[half..] })
        {
            await EventAsync(context, "content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = part } });
        }

        await EventAsync(context, "content_block_stop", new { type = "content_block_stop", index = 0 });
        await EventAsync(context, "message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = "end_turn", stop_sequence = (string?)null },
            usage = new { output_tokens = usage.Output },
        });
        await EventAsync(context, "message_stop", new { type = "message_stop" });
    }

    private static async Task EventAsync(HttpContext context, string name, object data)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    private static string SystemPrompt(JsonElement body) => body.TryGetProperty("system", out var system)
        ? system.ValueKind == JsonValueKind.String ? system.GetString()! : string.Concat(system.EnumerateArray().Select(b => b.GetProperty("text").GetString()))
        : string.Empty;

    private static object ErrorBody(string type, string message) => new { type = "error", error = new { type, message } };

    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    private static string ErrorMessage(int status) => status switch
    {
        429 => "Number of request tokens has exceeded your per-minute rate limit",
        529 => "Overloaded",
        _ => "Internal server error",
    };
}
