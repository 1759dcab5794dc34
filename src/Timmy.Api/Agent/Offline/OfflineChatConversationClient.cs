using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent.Offline;

/// <summary>
/// The embedded chat model. Its reply is deterministic, arrives in several chunks, and quotes the
/// conversation's first message, which shows that the model is given the whole history.
/// </summary>
public sealed class OfflineChatConversationClient(TokenCounter tokens, TimeProvider clock)
    : OfflineChatClient(tokens, TimeSpan.Zero, clock)
{
    public const string Signature =
        "I am Timmy's offline chat model: I answer the same way every time, without a network. Set Chat:Provider for real answers.";

    protected override string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var userTurns = messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text.Trim()).ToList();
        var context = userTurns.Count <= 1
            ? "This is the start of our conversation."
            : $"This is message {userTurns.Count} of our conversation, which began with \"{userTurns[0]}\".";
        return $"You said: \"{LastUserText(messages).Trim()}\". {context} {Signature}";
    }
}
