using System.Security.Cryptography;
using System.Text.Json;
using Timmy.Api.Agent;

namespace Timmy.Api.Errors;

/// <summary>
/// What a client is told when a provider or the node fails: a fixed message in Timmy's words with a reference. The
/// provider's or node's own text (hostnames, keys' hints, internal errors) goes only to the log, under the same
/// reference, so an operator can find it from what the client reports.
/// </summary>
public sealed partial class PublicFailures(ILogger<PublicFailures> logger)
{
    /// <summary>Logs <paramref name="detail"/> and returns "<paramref name="whatFailed"/> (ref …)".</summary>
    public string Describe(string whatFailed, Exception detail)
    {
        var reference = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        LogFailure(detail, reference, whatFailed);
        return $"{whatFailed} (ref {reference})";
    }

    [LoggerMessage(LogLevel.Warning, "Failure ref {Reference}, told to the client as \"{WhatFailed}\"")]
    private partial void LogFailure(Exception detail, string reference, string whatFailed);
}

public static class AgentFailureWords
{
    /// <summary>
    /// Timmy's own agent errors ("the eval model did not return a JSON verdict", "gave up after 3 interrupted
    /// attempts") may be shown as they are; one that wraps a provider's exception carries the provider's text.
    /// </summary>
    public static bool IsInTimmysWords(this AgentException exception) => exception.InnerException is null or JsonException;
}
