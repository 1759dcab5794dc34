namespace Timmy.Api.Agent;

/// <summary>The two things Timmy asks of a model: judge a request, and do it.</summary>
public interface IJobAgent
{
    Task<Evaluation> EvaluateAsync(string request, CancellationToken cancellationToken);

    Task<WorkOutput> WorkAsync(string request, CancellationToken cancellationToken) => WorkAsync(request, null, cancellationToken);

    /// <summary>
    /// Does the work within <paramref name="maxOutputTokens"/> (a job's priced output, so it never costs more than it
    /// was sold for); null, or more than <c>Agent:MaxOutputTokens</c>, means <c>Agent:MaxOutputTokens</c>.
    /// </summary>
    Task<WorkOutput> WorkAsync(string request, int? maxOutputTokens, CancellationToken cancellationToken);
}

public sealed record TokenUsage(string Model, int InputTokens, int OutputTokens);

public sealed record Evaluation(bool Accepted, string Reason, TokenUsage Usage);

public sealed record WorkOutput(string Text, TokenUsage Usage);

/// <summary>
/// The model failed or answered something Timmy cannot use. <see cref="IsTransient"/> when the provider was
/// unreachable, overloaded, rate-limited or erring on its side, so the same call may well succeed later.
/// </summary>
public sealed class AgentException(string message, Exception? innerException = null, bool isTransient = false)
    : Exception(message, innerException)
{
    public bool IsTransient { get; } = isTransient;
}
