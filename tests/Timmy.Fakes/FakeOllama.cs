using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Timmy.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible chat server as Ollama, llama.cpp and vLLM expose it: <c>POST /v1/chat/completions</c>
/// answered with a chat.completion and its usage. Eval prompts get a JSON verdict.
/// </summary>
public sealed class FakeOllama : LoopbackServer
{
    public const string WorkAnswer = "A satoshi is one hundred-millionth of a bitcoin.";

    public static readonly (int Prompt, int Completion) Usage = (40, 12);

    public string? LastModel { get; private set; }

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
        var content = system.Contains("gatekeeper", StringComparison.Ordinal)
            ? """{"accepted": true, "category": "none", "reason": "Fine."}"""
            : WorkAnswer;
        return Results.Json(new
        {
            id = "chatcmpl-123",
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = LastModel,
            system_fingerprint = "fp_ollama",
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = Usage.Prompt, completion_tokens = Usage.Completion, total_tokens = Usage.Prompt + Usage.Completion },
        });
    }
}
