using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Timmy.Tests.Fakes;

/// <summary>One request as the fake received it.</summary>
public sealed record GeminiCall(string Model, string Method, string? Alt, string ApiKey, JsonElement Body)
{
    public IEnumerable<(string Role, string Text)> Turns => Body.GetProperty("contents").EnumerateArray()
        .Select(c => (c.GetProperty("role").GetString()!, c.GetProperty("parts")[0].GetProperty("text").GetString()!));
}

/// <summary>An answer Gemini refuses with: its HTTP status, its status name and message.</summary>
public sealed record GeminiFailure(int Code, string Status, string Message)
{
    public static readonly GeminiFailure QuotaExhausted = new(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");

    public static readonly GeminiFailure InvalidArgument = new(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");

    public static readonly GeminiFailure Overloaded = new(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
}

/// <summary>
/// Gemini's REST API on loopback, in its wire format: <c>POST /v1beta/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> (each event a whole GenerateContentResponse, CRLF-framed, usage and
/// finishReason only on the last), images as <c>inlineData</c> parts, and errors as
/// <c>{"error":{"code","message","status"}}</c>. Tests script the answers and read back the calls.
/// </summary>
public sealed class FakeGeminiServer : IAsyncDisposable
{
    public const string ApiKey = "fake-gemini-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GeminiCall> _calls = new();

    private FakeGeminiServer(WebApplication app) => _app = app;

    /// <summary>Gemini leaves absent fields out rather than sending nulls.</summary>
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string BaseUrl => _app.Urls.Single();

    public IReadOnlyList<GeminiCall> Calls => _calls.ToList();

    /// <summary>The answer's text, one stream event per chunk (generateContent sends them joined).</summary>
    public string[] Chunks { get; set; } = ["Hello", " from", " Gemini"];

    /// <summary>Sent as an inlineData part when the request asks for the IMAGE modality.</summary>
    public byte[]? Image { get; set; }

    public GeminiFailure? Failure { get; set; }

    /// <summary>The last chunk's finishReason: STOP, or a refusal such as SAFETY, LANGUAGE, NO_IMAGE or IMAGE_SAFETY.</summary>
    public string FinishReason { get; set; } = "STOP";

    /// <summary>When set, the prompt is blocked: the answer is <c>promptFeedback.blockReason</c> with no candidates.</summary>
    public string? BlockReason { get; set; }

    /// <summary>A thinking model's reasoning tokens, reported as <c>thoughtsTokenCount</c> on the last chunk.</summary>
    public int? ThoughtsTokens { get; set; }

    /// <summary>Sent as a stream's last event after the chunks, as Gemini reports a failure once a stream has begun.</summary>
    public GeminiFailure? FailureMidStream { get; set; }

    /// <summary>When set, the stream sends its chunks, waits for this, then drops the connection.</summary>
    public TaskCompletionSource? DropStreamWhenReleased { get; set; }

    public static async Task<FakeGeminiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeGeminiServer(builder.Build());
        server._app.MapPost("/v1beta/models/{call}", server.HandleAsync);
        await server._app.StartAsync();
        return server;
    }

    private async Task HandleAsync(HttpContext http, string call)
    {
        var colon = call.LastIndexOf(':');
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var apiKey = http.Request.Headers["x-goog-api-key"].ToString();
        var request = new GeminiCall(call[..colon], call[(colon + 1)..], http.Request.Query["alt"], apiKey, body.RootElement.Clone());
        _calls.Enqueue(request);

        if (apiKey != ApiKey)
        {
            await WriteErrorAsync(http, new GeminiFailure(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."));
        }
        else if (Failure is { } failure)
        {
            await WriteErrorAsync(http, failure);
        }
        else if (BlockReason is { } reason)
        {
            // A blocked prompt is a 200 (one event when streaming) with no candidates (GenerateContentResponse.prompt_feedback).
            var blocked = new { promptFeedback = new { blockReason = reason }, usageMetadata = new { promptTokenCount = 8, totalTokenCount = 8 }, modelVersion = request.Model };
            if (request.Method == "streamGenerateContent")
            {
                http.Response.ContentType = "text/event-stream";
                await WriteEventAsync(http, blocked);
            }
            else
            {
                await http.Response.WriteAsJsonAsync(blocked, Json);
            }
        }
        else if (request.Method == "generateContent")
        {
            await http.Response.WriteAsJsonAsync(Answer(request, [new { text = string.Concat(Chunks) }, .. ImageParts(request)], last: true), Json);
        }
        else if (request.Method == "streamGenerateContent" && request.Alt == "sse")
        {
            await StreamAsync(http, request);
        }
        else
        {
            await WriteErrorAsync(http, new GeminiFailure(404, "NOT_FOUND", $"Method {request.Method} is not found."));
        }
    }

    private async Task StreamAsync(HttpContext http, GeminiCall request)
    {
        http.Response.ContentType = "text/event-stream";
        var completes = FailureMidStream is null && DropStreamWhenReleased is null;
        for (var i = 0; i < Chunks.Length; i++)
        {
            await WriteEventAsync(http, Answer(request, [new { text = Chunks[i] }], last: completes && i == Chunks.Length - 1));
        }

        if (FailureMidStream is { } failure)
        {
            await WriteEventAsync(http, ErrorBody(failure));
        }
        else if (DropStreamWhenReleased is { } release)
        {
            await release.Task;
            http.Abort();
        }
    }

    private static async Task WriteEventAsync(HttpContext http, object payload)
    {
        await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(payload, Json)}\r\n\r\n");
        await http.Response.Body.FlushAsync();
    }

    private object[] ImageParts(GeminiCall request)
    {
        var modalities = request.Body.TryGetProperty("generationConfig", out var config) && config.TryGetProperty("responseModalities", out var m)
            ? m.EnumerateArray().Select(x => x.GetString()).ToList()
            : [];
        return Image is not null && modalities.Contains("IMAGE")
            ? [new { inlineData = new { mimeType = "image/png", data = Convert.ToBase64String(Image) } }]
            : [];
    }

    private object Answer(GeminiCall request, object[] parts, bool last) => new
    {
        candidates = new[] { new { content = new { parts, role = "model" }, finishReason = last ? FinishReason : null, index = 0 } },
        usageMetadata = last
            ? new { promptTokenCount = 8, candidatesTokenCount = (int?)3, thoughtsTokenCount = ThoughtsTokens, totalTokenCount = 11 + (ThoughtsTokens ?? 0) }
            : new { promptTokenCount = 8, candidatesTokenCount = (int?)null, thoughtsTokenCount = (int?)null, totalTokenCount = 8 },
        modelVersion = request.Model,
        responseId = "fake-response-1",
    };

    private static Task WriteErrorAsync(HttpContext http, GeminiFailure failure)
    {
        http.Response.StatusCode = failure.Code;
        return http.Response.WriteAsJsonAsync(ErrorBody(failure));
    }

    private static object ErrorBody(GeminiFailure failure) =>
        new { error = new { code = failure.Code, message = failure.Message, status = failure.Status } };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
