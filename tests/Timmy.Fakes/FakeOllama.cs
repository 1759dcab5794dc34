using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Timmy.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible chat server as Ollama, llama.cpp and vLLM expose it: <c>POST /v1/chat/completions</c>
/// answered with a chat.completion and its usage, or with <c>"stream": true</c> chat.completion.chunk events (a
/// usage chunk when <c>stream_options.include_usage</c> asks) and <c>data: [DONE]</c>. Eval prompts get a JSON verdict.
/// </summary>
public sealed class FakeOllama : LoopbackServer
{
    public const string WorkAnswer = "A satoshi is one hundred-millionth of a bitcoin.";

    public static readonly (int Prompt, int Completion) Usage = (40, 12);

    public string? LastModel { get; private set; }

    /// <summary>The body of the last work request (not an eval), as it came over the wire.</summary>
    public JsonElement? LastWorkBody { get; private set; }

    /// <summary>When set, a stream sends this many content chunks, then the connection drops (no usage, no [DONE]).</summary>
    public int? DropStreamAfterChunks { get; set; }

    public TimeSpan DropDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The answer's streamed pieces: three, so a drop after one leaves a partial answer.</summary>
    public static readonly string[] WorkChunks = ["A satoshi is ", "one hundred-millionth ", "of a bitcoin."];

    protected override object ServerErrorBody => new { error = new { message = "model runner has unexpectedly stopped", type = "api_error" } };

    public Dictionary<string, string?> TimmySettings() => new()
    {
        ["Agent:Provider"] = "openai",
        ["Agent:OpenAI:Endpoint"] = new Uri(BaseAddress, "v1").ToString(),
        ["Agent:EvalModel"] = "llama3.2:1b",
        ["Agent:WorkModel"] = "qwen2.5:7b",
        ["Agent:OpenAI:TimeoutSeconds"] = "1",
        ["Agent:OpenAI:MaxRetries"] = "1",
    };

    protected override void Map(WebApplication app) => app.MapPost("/v1/chat/completions", ChatCompletionsAsync);

    private async Task<IResult> ChatCompletionsAsync(HttpRequest request)
    {
        var body = await ReadJsonAsync(request);
        LastModel = body.GetProperty("model").GetString();
        var system = body.GetProperty("messages").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("role").GetString() == "system") is { ValueKind: JsonValueKind.Object } s
            ? s.GetProperty("content").ToString()
            : "";
        var isEval = system.Contains("gatekeeper", StringComparison.Ordinal);
        var content = isEval ? """{"accepted": true, "category": "none", "reason": "Fine."}""" : WorkAnswer;
        LastWorkBody = isEval ? LastWorkBody : body.Clone();
        if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            var includeUsage = body.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
            await StreamAsync(request.HttpContext, content == WorkAnswer ? WorkChunks : [content], includeUsage);
            return Results.Empty;
        }

        return Results.Json(new
        {
            id = "chatcmpl-123",
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = LastModel,
            system_fingerprint = "fp_ollama",
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = UsageBody,
        });
    }

    private static object UsageBody => new { prompt_tokens = Usage.Prompt, completion_tokens = Usage.Completion, total_tokens = Usage.Prompt + Usage.Completion };

    private async Task StreamAsync(HttpContext context, string[] chunks, bool includeUsage)
    {
        context.Response.ContentType = "text/event-stream";
        var sent = 0;
        foreach (var chunk in chunks)
        {
            if (DropStreamAfterChunks is { } drop && sent == drop)
            {
                // A reset discards what the peer has not read yet, so give the chunks sent time to be read first.
                await Task.Delay(DropDelay);
                context.Abort();
                return;
            }

            await ChunkAsync(context, new[] { new { index = 0, delta = new { role = "assistant", content = chunk }, finish_reason = (string?)null } }, null);
            sent++;
        }

        await ChunkAsync(context, new[] { new { index = 0, delta = new { role = "assistant", content = "" }, finish_reason = (string?)"stop" } }, null);
        if (includeUsage)
        {
            await ChunkAsync(context, Array.Empty<object>(), UsageBody);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private async Task ChunkAsync(HttpContext context, object choices, object? usage)
    {
        var chunk = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-stream",
            @object = "chat.completion.chunk",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = LastModel,
            choices,
            usage,
        });
        await context.Response.WriteAsync($"data: {chunk}\n\n");
        await context.Response.Body.FlushAsync();
    }
}
