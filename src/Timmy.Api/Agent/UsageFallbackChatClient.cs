using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent;

/// <summary>
/// No free usage: when a provider (or a proxy in front of it) reports no usage, or no output tokens for an answer
/// that has text, the missing counts are taken with the tokenizer (<see cref="TokenCounter"/>), so jobs, sessions
/// and chat are charged for what the model read and wrote. Counts the provider did report are kept.
/// </summary>
public sealed class UsageFallbackChatClient(IChatClient inner, TokenCounter tokens) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var response = await base.GetResponseAsync(history, options, cancellationToken);
        var missing = Missing(response.Usage, history, response.Text);
        if (missing is not null)
        {
            response.Usage ??= new UsageDetails();
            response.Usage.Add(missing);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        UsageDetails? reported = null;
        var text = new System.Text.StringBuilder();
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(history, options, cancellationToken))
        {
            text.Append(update.Text);
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                // Streamed usage adds up (input at the start, output at the end), as ToChatResponse adds it.
                (reported ??= new UsageDetails()).Add(usage.Details);
            }

            last = update;
            yield return update;
        }

        if (Missing(reported, history, text.ToString()) is { } missing)
        {
            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                ModelId = last?.ModelId,
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                Contents = [new UsageContent(missing)],
            };
        }
    }

    /// <summary>The counts the provider left out (null when nothing is missing), to add to what it reported.</summary>
    private UsageDetails? Missing(UsageDetails? reported, IReadOnlyList<ChatMessage> history, string answer)
    {
        var noInput = reported?.InputTokenCount is null or 0;
        var noOutput = reported?.OutputTokenCount is null or 0;
        var input = noInput ? history.Sum(m => (long)tokens.Count(m.Text)) : 0;
        var output = noOutput ? tokens.Count(answer) : 0;
        if (input == 0 && output == 0)
        {
            return null;
        }

        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }
}
