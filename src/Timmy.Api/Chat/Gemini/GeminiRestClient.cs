using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Chat.Gemini;

/// <summary>
/// The two calls Timmy makes to Gemini's REST API: <c>generateContent</c>, and <c>streamGenerateContent?alt=sse</c>,
/// whose every <c>data:</c> event is a whole <see cref="GenerateContentResponse"/>. Errors become <see cref="GeminiApiException"/>.
/// </summary>
public sealed class GeminiRestClient(IHttpClientFactory httpClients, IOptions<GeminiOptions> options)
{
    public const string HttpClientName = "gemini";

    public async Task<GenerateContentResponse> GenerateAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(model, "generateContent", request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<GenerateContentResponse>(GeminiJson.Options, cancellationToken);
        return ThrowIfError(answer);
    }

    public async IAsyncEnumerable<GenerateContentResponse> StreamAsync(
        string model, GenerateContentRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(model, "streamGenerateContent?alt=sse", request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            yield return ThrowIfError(JsonSerializer.Deserialize<GenerateContentResponse>(item.Data, GeminiJson.Options));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        string model, string method, GenerateContentRequest body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1beta/models/{Uri.EscapeDataString(model)}:{method}")
        {
            Content = JsonContent.Create(body, options: GeminiJson.Options),
        };
        request.Headers.Add("x-goog-api-key", options.Value.ApiKey);

        var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, completion, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await GeminiApiException.FromResponseAsync(response, cancellationToken);
        }
    }

    /// <summary>
    /// A 200 can still carry an error (one that ends a stream early), a blocked prompt (<c>promptFeedback.blockReason</c>,
    /// no candidates) or a refusal (a finish reason such as SAFETY or NO_IMAGE); each is reported with Gemini's reason.
    /// </summary>
    private static GenerateContentResponse ThrowIfError(GenerateContentResponse? answer) => answer switch
    {
        null => throw new GeminiApiException("Gemini returned an empty answer", null, null),
        { Error: { } error } => throw GeminiApiException.From(error),
        { PromptFeedback.BlockReason: { } reason } => throw GeminiApiException.Refused(
            $"Gemini blocked the prompt: {reason}", answer.PromptFeedback.BlockReasonMessage),
        _ when GeminiMapping.IsRefusal(answer.FinishReason) => throw GeminiApiException.Refused(
            $"Gemini declined to answer: {answer.FinishReason}", answer.FinishMessage),
        _ => answer,
    };
}
