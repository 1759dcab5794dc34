using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent.Offline;

/// <summary>
/// Base of the embedded models: a real <see cref="IChatClient"/> that answers deterministically without
/// a network, reports token usage like a hosted model, and streams its answer in several chunks.
/// </summary>
public abstract class OfflineChatClient(TokenCounter tokens, TimeSpan latency, TimeProvider clock) : IChatClient
{
    public const string ModelId = "timmy-offline-1";

    /// <summary>Words per streamed chunk; small enough that any real answer arrives in several chunks.</summary>
    private const int WordsPerChunk = 4;

    protected abstract string Answer(IReadOnlyList<ChatMessage> messages);

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        await SimulateLatencyAsync(cancellationToken);
        var text = Answer(history);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = UsageFor(history, text),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        await SimulateLatencyAsync(cancellationToken);
        var text = Answer(history);
        foreach (var chunk in Chunk(text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ModelId };
            await Task.Yield();
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(UsageFor(history, text))],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("timmy-offline", null, ModelId)
        : null;

    public void Dispose() => GC.SuppressFinalize(this);

    protected static string LastUserText(IReadOnlyList<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

    private UsageDetails UsageFor(IReadOnlyList<ChatMessage> history, string answer)
    {
        var input = history.Sum(m => tokens.Count(m.Text));
        var output = tokens.Count(answer);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    private Task SimulateLatencyAsync(CancellationToken cancellationToken) =>
        latency > TimeSpan.Zero ? Task.Delay(latency, clock, cancellationToken) : Task.CompletedTask;

    private static IEnumerable<string> Chunk(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i += WordsPerChunk)
        {
            var chunk = string.Join(' ', words.Skip(i).Take(WordsPerChunk));
            yield return i + WordsPerChunk < words.Length ? chunk + " " : chunk;
        }
    }
}
