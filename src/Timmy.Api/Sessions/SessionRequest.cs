namespace Timmy.Api.Sessions;

public enum SessionRequestOutcome
{
    /// <summary>Reserved and in flight; settled into one of the others.</summary>
    Running,
    Complete,
    Rejected,
    Failed,
}

/// <summary>A request run against a session's balance, kept for the record with its cost.</summary>
public sealed class SessionRequest
{
    /// <summary>The worst-case cost held back from the balance while the request runs.</summary>
    public long ReservedSats { get; init; }

    public Guid Id { get; init; }

    public Guid SessionId { get; init; }

    public required string Request { get; init; }

    public SessionRequestOutcome Outcome { get; set; }

    public string? Result { get; set; }

    public string? Reason { get; set; }

    public string? ErrorMessage { get; set; }

    public int EvalInputTokens { get; set; }

    public int EvalOutputTokens { get; set; }

    public int WorkInputTokens { get; set; }

    public int WorkOutputTokens { get; set; }

    public long EvalSats { get; set; }

    public long WorkSats { get; set; }

    public decimal BtcPriceUsd { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SettledAt { get; set; }
}
