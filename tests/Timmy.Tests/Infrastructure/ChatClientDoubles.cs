using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;

namespace Timmy.Tests.Infrastructure;

/// <summary>Wraps the real offline client and counts the calls that reach it.</summary>
public sealed class CountingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}

/// <summary>
/// Wraps the real offline client and holds every call until the test opens the gate, so the test knows the app is inside
/// the model call (<see cref="Entered"/>) for as long as it needs, however slow the machine.
/// </summary>
public sealed class GatedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a call is waiting at the gate.</summary>
    public Task Entered => _entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public void Open() => _open.TrySetResult();

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
        return await base.GetResponseAsync(messages, options, cancellationToken);
    }
}

/// <summary>A model that always fails, or always says the given text, plainly or streamed.</summary>
public sealed class ScriptedChatClient(Func<ChatResponse> respond) : IChatClient
{
    public static ScriptedChatClient Throwing(string message) => new(() => throw new HttpRequestException(message));

    public static ScriptedChatClient Saying(string text) => new(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));

    /// <summary>A model that answers and reports the given token usage.</summary>
    public static ScriptedChatClient Using(long inputTokens, long outputTokens) => new(() =>
        new ChatResponse(new ChatMessage(ChatRole.Assistant, "A long and expensive answer."))
        {
            Usage = new() { InputTokenCount = inputTokens, OutputTokenCount = outputTokens },
        });

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(respond());

    /// <summary>The same response as updates, as a provider streams it: the text, then the usage.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        respond().ToChatResponseUpdates().ToAsyncEnumerable();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

public static class AgentServiceOverrides
{
    /// <summary>Replaces one keyed client, optionally wrapping the one the app registered.</summary>
    public static void ReplaceChatClient(this IServiceCollection services, string key, Func<IChatClient, IChatClient> replace)
    {
        var original = services.Last(d => d.ServiceType == typeof(IChatClient) && Equals(d.ServiceKey, key));
        services.AddKeyedSingleton<IChatClient>(key, (sp, k) =>
            replace((IChatClient)original.KeyedImplementationFactory!(sp, k)));
    }
}
