using Microsoft.Extensions.AI;

namespace Timmy.Api.Chat.Gemini;

/// <summary>Translates between Microsoft.Extensions.AI's types and Gemini's wire records.</summary>
internal static class GeminiMapping
{
    public const string UserRole = "user";
    public const string ModelRole = "model";

    /// <summary>System messages become the system instruction; the rest keep their order as user and model turns.</summary>
    public static GenerateContentRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var system = new List<GeminiPart>();
        var turns = new List<GeminiContent>();
        foreach (var message in messages)
        {
            var parts = ToParts(message.Contents);
            if (parts.Count == 0)
            {
                continue;
            }

            if (message.Role == ChatRole.System)
            {
                system.AddRange(parts);
            }
            else
            {
                turns.Add(new GeminiContent(message.Role == ChatRole.Assistant ? ModelRole : UserRole, parts));
            }
        }

        var config = new GenerationConfig(options?.MaxOutputTokens, options?.Temperature, options?.TopP, options?.StopSequences?.ToList());
        return new GenerateContentRequest(turns, system.Count > 0 ? new GeminiContent(null, system) : null, config);
    }

    public static List<GeminiPart> ToParts(IEnumerable<AIContent> contents) =>
        contents.Select(ToPart).OfType<GeminiPart>().ToList();

    /// <summary>Text and inline images, in the order the model sent them; thoughts are left out.</summary>
    public static List<AIContent> ToContents(GenerateContentResponse response) =>
        response.Parts.Where(p => p.Thought != true).Select(ToContent).OfType<AIContent>().ToList();

    /// <summary>The finish reasons (generativelanguage v1beta's FinishReason) by which Gemini declines to answer.</summary>
    private static readonly HashSet<string> Refusals =
    [
        "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
        "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE",
    ];

    public static bool IsRefusal(string? reason) => reason is not null && Refusals.Contains(reason);

    public static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null => null,
        "STOP" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        _ when IsRefusal(reason) => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>Thinking tokens are output the caller pays for, so they count as output.</summary>
    public static UsageDetails? ToUsage(GeminiUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokenCount,
        OutputTokenCount = usage.CandidatesTokenCount is null && usage.ThoughtsTokenCount is null
            ? null
            : (usage.CandidatesTokenCount ?? 0) + (usage.ThoughtsTokenCount ?? 0),
        TotalTokenCount = usage.TotalTokenCount,
    };

    private static GeminiPart? ToPart(AIContent content) => content switch
    {
        TextContent { Text.Length: > 0 } text => new GeminiPart(Text: text.Text),
        DataContent data => new GeminiPart(InlineData: new GeminiInlineData(data.MediaType, Convert.ToBase64String(data.Data.Span))),
        _ => null,
    };

    private static AIContent? ToContent(GeminiPart part) => part switch
    {
        { InlineData: { } inline } => new DataContent(Convert.FromBase64String(inline.Data), inline.MimeType),
        { Text.Length: > 0 } => new TextContent(part.Text),
        _ => null,
    };
}
