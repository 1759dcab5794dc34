using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Timmy.Api.Chat;

// Request bodies, named as in the shared spec. They only describe the API: the handlers read bodies by hand,
// so a missing or malformed field gets the handler's own 400 JSON error.

public sealed record CreateGeminiConversationBody(string Title);

public sealed record SendGeminiMessageBody(
    string Content,
    [property: Description("Gemini model override (default: gemini-3-flash-preview)")] string? Model);

public sealed record GenerateGeminiImageBody(string Prompt);

// Responses. The document names them as the spec does (see Web/ApiDocs).

public sealed record ConversationResponse(int Id, string Title, DateTime CreatedAt)
{
    public static ConversationResponse From(Conversation conversation) =>
        new(conversation.Id, conversation.Title, conversation.CreatedAt.UtcDateTime);
}

public sealed record ConversationWithMessagesResponse(int Id, string Title, DateTime CreatedAt, IReadOnlyList<MessageResponse> Messages)
{
    public static ConversationWithMessagesResponse From(Conversation conversation) => new(
        conversation.Id,
        conversation.Title,
        conversation.CreatedAt.UtcDateTime,
        conversation.Messages.OrderBy(m => m.Id).Select(MessageResponse.From).ToList());
}

/// <summary>A stored message. <c>isComplete</c> is Timmy's addition: false for a reply that was cut short.</summary>
public sealed record MessageResponse(int Id, int ConversationId, string Role, string Content, DateTime CreatedAt, bool IsComplete)
{
    public static MessageResponse From(Message message) =>
        new(message.Id, message.ConversationId, message.Role, message.Content, message.CreatedAt.UtcDateTime, message.IsComplete);
}

public sealed record GeneratedImageResponse([property: JsonPropertyName("b64_json")] string B64Json, string MimeType);

// The server-sent events of a streamed reply: content chunks, then done or error.

public sealed record ContentEvent(string Content);

public sealed record DoneEvent(bool Done);

public sealed record ErrorEvent(string Error);
