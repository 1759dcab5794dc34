using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent.Offline;

/// <summary>The embedded eval model: applies <see cref="ContentPolicy"/> and answers in the verdict JSON a real model is asked for.</summary>
public sealed class OfflineEvalChatClient(TokenCounter tokens, TimeSpan latency, TimeProvider clock)
    : OfflineChatClient(tokens, latency, clock)
{
    protected override string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var verdict = ContentPolicy.Evaluate(LastUserText(messages));
        return JsonSerializer.Serialize(new { accepted = verdict.Accepted, category = verdict.Category, reason = verdict.Reason });
    }
}
