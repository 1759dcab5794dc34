using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Timmy.Api.Chat.Gemini;

/// <summary>Gemini as an <see cref="IChatClient"/>, over its REST API. <see cref="ChatOptions.ModelId"/> picks the model.</summary>
public sealed class GeminiChatClient(GeminiRestClient gemini, string defaultModel) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = options?.ModelId ?? defaultModel;
        var answer = await gemini.GenerateAsync(model, GeminiMapping.ToRequest(messages, options), cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, GeminiMapping.ToContents(answer)))
        {
            ModelId = answer.ModelVersion ?? model,
            ResponseId = answer.ResponseId,
            FinishReason = GeminiMapping.ToFinishReason(answer.FinishReason),
            Usage = GeminiMapping.ToUsage(answer.UsageMetadata),
            RawRepresentation = answer,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = options?.ModelId ?? defaultModel;
        await foreach (var chunk in gemini.StreamAsync(model, GeminiMapping.ToRequest(messages, options), cancellationToken))
        {
            var update = new ChatResponseUpdate(ChatRole.Assistant, GeminiMapping.ToContents(chunk))
            {
                ModelId = chunk.ModelVersion ?? model,
                ResponseId = chunk.ResponseId,
                FinishReason = GeminiMapping.ToFinishReason(chunk.FinishReason),
                RawRepresentation = chunk,
            };
            // Only the last chunk carries the whole usage.
            if (GeminiMapping.ToUsage(chunk.UsageMetadata) is { } usage)
            {
                update.Contents.Add(new UsageContent(usage));
            }

            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("gemini", null, defaultModel)
        : null;

    // The HTTP connections belong to IHttpClientFactory; there is nothing of ours to release.
    public void Dispose()
    {
    }
}
