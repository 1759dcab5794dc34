using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timmy.Api.Chat.Gemini;

// Gemini's JSON, as far as Timmy uses it: generateContent's request and response, and the error envelope.

public sealed record GenerateContentRequest(
    IReadOnlyList<GeminiContent> Contents,
    GeminiContent? SystemInstruction = null,
    GenerationConfig? GenerationConfig = null);

/// <summary>One turn. <see cref="Role"/> is "user" or "model"; a system instruction has none.</summary>
public sealed record GeminiContent(string? Role, IReadOnlyList<GeminiPart> Parts);

/// <summary>A piece of a turn: text, or inline bytes such as an image. Thought parts are the model's reasoning.</summary>
public sealed record GeminiPart(string? Text = null, GeminiInlineData? InlineData = null, bool? Thought = null);

public sealed record GeminiInlineData(string MimeType, string Data);

public sealed record GenerationConfig(
    int? MaxOutputTokens = null,
    float? Temperature = null,
    float? TopP = null,
    IReadOnlyList<string>? StopSequences = null,
    IReadOnlyList<string>? ResponseModalities = null);

/// <summary>A whole answer, or (when streaming) one chunk of it. An error can arrive in place of either.</summary>
public sealed record GenerateContentResponse(
    IReadOnlyList<GeminiCandidate>? Candidates = null,
    GeminiUsage? UsageMetadata = null,
    string? ModelVersion = null,
    string? ResponseId = null,
    GeminiError? Error = null,
    GeminiPromptFeedback? PromptFeedback = null)
{
    public IReadOnlyList<GeminiPart> Parts => Candidates?.FirstOrDefault()?.Content?.Parts ?? [];

    public string? FinishReason => Candidates?.FirstOrDefault()?.FinishReason;

    public string? FinishMessage => Candidates?.FirstOrDefault()?.FinishMessage;

    /// <summary>The answer's visible text, without the model's thoughts.</summary>
    public string Text => string.Concat(Parts.Where(p => p.Thought != true).Select(p => p.Text));
}

public sealed record GeminiCandidate(GeminiContent? Content, string? FinishReason, string? FinishMessage = null);

/// <summary>Why Gemini refused the prompt itself (then there are no candidates): <c>blockReason</c> such as SAFETY.</summary>
public sealed record GeminiPromptFeedback(string? BlockReason, string? BlockReasonMessage = null);

/// <summary>Token counts. A thinking model's reasoning is <c>thoughtsTokenCount</c>, billed as output but not in the candidates' count.</summary>
public sealed record GeminiUsage(int? PromptTokenCount, int? CandidatesTokenCount, int? TotalTokenCount, int? ThoughtsTokenCount = null);

/// <summary><c>{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}</c></summary>
public sealed record GeminiErrorEnvelope(GeminiError? Error);

public sealed record GeminiError(int Code, string? Message, string? Status);

internal static class GeminiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
