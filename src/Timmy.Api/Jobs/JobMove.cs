using Timmy.Api.Agent;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>
/// One legal move of a job's state with the values it writes, as decided by <see cref="Job"/> (its only maker).
/// <see cref="JobTransitions"/> persists it as one conditional update from <see cref="From"/>.
/// </summary>
public sealed class JobMove
{
    internal JobMove(JobState from, JobState to)
    {
        Job.EnsureLegal(from, to);
        From = from;
        To = to;
    }

    public JobState From { get; }

    public JobState To { get; }

    internal string? Reason { get; init; }

    internal string? Result { get; init; }

    internal string? ErrorMessage { get; init; }

    internal TokenUsage? EvalUsage { get; init; }

    internal TokenUsage? WorkUsage { get; init; }

    internal WorkQuote? Quote { get; init; }

    internal WorkSettlement? Settlement { get; init; }

    /// <summary>All the work's price, owed back: the job failed after its work was paid for.</summary>
    internal long? RefundAllOf { get; init; }
}

/// <summary>
/// One legal move of a job's refund state, about one payout attempt (the invoice's hash and when it started, as
/// stored). Into paying it records the attempt; out of paying it applies only while that same attempt is the one
/// paying, so a late verdict on an earlier attempt never touches a newer one's, even to the same invoice. Pending
/// forgets the attempt; paid keeps it and records when. Made by <see cref="Job.MoveRefund"/>.
/// </summary>
public sealed class RefundMove
{
    internal RefundMove(RefundState from, RefundState to, string paymentHash, DateTimeOffset? attemptedAt)
    {
        Job.EnsureLegal(from, to);
        (From, To, PaymentHash, AttemptedAt) = (from, to, paymentHash, attemptedAt);
    }

    public RefundState From { get; }

    public RefundState To { get; }

    public string PaymentHash { get; }

    public DateTimeOffset? AttemptedAt { get; }
}
