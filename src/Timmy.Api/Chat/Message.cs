namespace Timmy.Api.Chat;

/// <summary>One turn of a conversation, from the user or the model.</summary>
public sealed class Message
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";

    public int Id { get; init; }

    public int ConversationId { get; init; }

    /// <summary><see cref="UserRole"/> or <see cref="AssistantRole"/>, as the original service stored it.</summary>
    public required string Role { get; init; }

    public required string Content { get; init; }

    /// <summary>False for a reply cut short (client gone, model failed): the text is what arrived before that.</summary>
    public bool IsComplete { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
