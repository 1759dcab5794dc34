using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Timmy.Api.Boundary;

namespace Timmy.Api.OpenAI;

/// <summary>OpenAI's wire style: snake_case names, absent optional fields left out.</summary>
public static class OpenAIJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary><c>{"error": {"message", "type", "param", "code"}}</c>, what the OpenAI SDKs parse; a 402 adds its invoice.</summary>
public sealed record OpenAIError(OpenAIErrorDetail Error);

public sealed record OpenAIErrorDetail(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code,
    PaymentOffer? Payment = null);

/// <summary>A 402's invoice beside the OpenAI error: what this call may cost, what the invoice buys, and the invoice.</summary>
public sealed record PaymentOffer(long PriceSats, long AmountSats, string Invoice, string? PaymentHash, DateTimeOffset ExpiresAt)
{
    public static PaymentOffer? From(PaymentRequiredResponse? challenge) => challenge is null ? null
        : new(challenge.PriceSats, challenge.AmountSats, challenge.Invoice, challenge.PaymentHash, challenge.ExpiresAt);
}

public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, ModelPricing Pricing);

/// <summary>Sats at the current BTC price, margin included: per 1,000 tokens in and out, and per request.</summary>
public sealed record ModelPricing(
    [property: JsonPropertyName("input_sats_per_1k")] decimal InputSatsPer1k,
    [property: JsonPropertyName("output_sats_per_1k")] decimal OutputSatsPer1k,
    [property: JsonPropertyName("request_sats")] decimal RequestSats);

public sealed record ChatCompletion(
    string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChoice> Choices, CompletionUsage Usage);

public sealed record CompletionChoice(int Index, AssistantMessage Message, string FinishReason);

public sealed record AssistantMessage(string Role, string Content);

/// <summary>Token usage; <c>cost_sats</c> is what this request was charged (Timmy's addition).</summary>
public sealed record CompletionUsage(long PromptTokens, long CompletionTokens, long TotalTokens, long? CostSats);

public sealed record ChatCompletionChunk(
    string Id, string Object, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, CompletionUsage? Usage = null);

public sealed record ChunkChoice(
    int Index, ChunkDelta Delta, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

public sealed record ChunkDelta(string? Role, string? Content);

public sealed record ImagesResponse(long Created, IReadOnlyList<ImageData> Data);

public sealed record ImageData(string B64Json);
