using Timmy.Api.Agent;

namespace Timmy.Api.Chat;

/// <summary>What a client is told when a model call fails.</summary>
internal static class ModelFailures
{
    /// <summary>
    /// An upstream refusal (quota, unknown model, unreachable host) is the caller's business and is passed on;
    /// anything else is our own fault and stays in the log.
    /// </summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpRequestException or AgentException => exception.Message,
        IOException => "The connection to the model was lost",
        TaskCanceledException or TimeoutException => "The model did not answer in time",
        _ => "The model failed to answer",
    };
}
