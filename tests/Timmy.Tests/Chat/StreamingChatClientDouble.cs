using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Timmy.Tests.Chat;

/// <summary>
/// A chat model that streams the given chunks, then finishes, fails, or (on its first call) waits until
/// it is cancelled. It records what it was asked, and whether its call was cancelled.
/// </summary>
public sealed class StreamingChatClientDouble(params string[] chunks) : IChatClient
{
    private readonly List<(List<ChatMessage> History, ChatOptions? Options)> _calls = [];

    public Exception? FailureAfterChunks { get; init; }

    public bool FirstCallWaitsForCancellation { get; init; }

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(List<ChatMessage> History, ChatOptions? Options)> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToList();
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int call;
        lock (_calls)
        {
            _calls.Add((messages.ToList(), options));
            call = _calls.Count;
        }

        foreach (var chunk in chunks)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
            await Task.Yield();
        }

        if (FailureAfterChunks is { } failure)
        {
            throw failure;
        }

        if (FirstCallWaitsForCancellation && call == 1)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Cancelled.TrySetResult();
            }
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Chat always streams");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
