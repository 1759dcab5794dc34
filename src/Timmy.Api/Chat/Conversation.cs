namespace Timmy.Api.Chat;

/// <summary>A chat thread. Deleting it deletes its messages (cascade in the database).</summary>
public sealed class Conversation
{
    public int Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The balance (session) that created it; only that balance's credentials see it. Null when chat is free.</summary>
    public Guid? OwnerSessionId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<Message> Messages { get; init; } = [];
}
