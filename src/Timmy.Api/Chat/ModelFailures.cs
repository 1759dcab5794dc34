using System.Net;
using Timmy.Api.Agent;
using Timmy.Api.Chat.Gemini;
using Timmy.Api.Errors;

namespace Timmy.Api.Chat;

/// <summary>What a client is told when a model call fails.</summary>
internal static class ModelFailures
{
    /// <summary>
    /// An upstream refusal (quota, unknown model, bad key, unreachable host) is told in Timmy's words by its kind, with
    /// a reference under which the provider's own text is logged; a lost connection or a timeout is said as such.
    /// </summary>
    public static string Describe(Exception exception, PublicFailures failures) => exception switch
    {
        AgentException agent when agent.IsInTimmysWords() => agent.Message,
        // The model declined this prompt (safety, recitation, language…): its reason is about the client's own request.
        GeminiApiException { IsRefusal: true } refusal => refusal.Message,
        HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } =>
            failures.Describe("The model provider is limiting requests; try again later", exception),
        HttpRequestException { StatusCode: >= HttpStatusCode.InternalServerError } =>
            failures.Describe("The model provider is unavailable; try again later", exception),
        HttpRequestException { StatusCode: not null } =>
            failures.Describe("The model provider refused the request", exception),
        HttpRequestException or AgentException => failures.Describe("The model provider could not be reached or failed", exception),
        IOException => "The connection to the model was lost",
        TaskCanceledException or TimeoutException => "The model did not answer in time",
        _ => failures.Describe("The model failed to answer", exception),
    };
}
