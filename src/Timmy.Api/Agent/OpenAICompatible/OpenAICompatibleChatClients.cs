using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Timmy.Api.Http;

namespace Timmy.Api.Agent.OpenAICompatible;

/// <summary>
/// Any OpenAI-compatible chat server (Ollama, llama.cpp, vLLM) through Microsoft.Extensions.AI.OpenAI.
/// The SDK's own retries are off; the HttpClient's resilience handler owns timeouts, retries and the breaker.
/// </summary>
internal static class OpenAICompatibleChatClients
{
    private const string HttpClientName = "openai";

    /// <summary>Local servers ignore the key, but the SDK insists on one.</summary>
    private const string PlaceholderKey = "not-needed";

    public static IServiceCollection AddOpenAICompatibleChatClients(this IServiceCollection services, AgentOptions agent)
    {
        var openAI = agent.OpenAI;
        if (!Uri.TryCreate(openAI.Endpoint, UriKind.Absolute, out var endpoint))
        {
            throw new InvalidOperationException("Agent:Provider=openai needs Agent:OpenAI:Endpoint, e.g. http://localhost:11434/v1");
        }

        // The resilience handler's total timeout bounds each call; the HttpClient's own would cut it short.
        services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddOutboundResilience(openAI.Timeout, openAI.MaxRetries);
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Eval, (sp, _) => Create(sp, endpoint, openAI, agent.EvalModel));
        services.AddKeyedSingleton<IChatClient>(AgentKeys.Work, (sp, _) => Create(sp, endpoint, openAI, agent.WorkModel));
        return services;
    }

    private static IChatClient Create(IServiceProvider services, Uri endpoint, OpenAIProviderOptions openAI, string model)
    {
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        var key = new ApiKeyCredential(string.IsNullOrWhiteSpace(openAI.ApiKey) ? PlaceholderKey : openAI.ApiKey);
        return new ChatClient(model, key, options).AsIChatClient();
    }
}
