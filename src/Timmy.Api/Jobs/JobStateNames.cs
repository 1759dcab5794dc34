namespace Timmy.Api.Jobs;

/// <summary>The wire (and database) names of <see cref="JobState"/>; the states and their moves are in <see cref="Job"/>.</summary>
public static class JobStateNames
{
    public static string ToWireName(this JobState state) => state switch
    {
        JobState.AwaitingEvalPayment => "awaiting_eval_payment",
        JobState.Evaluating => "evaluating",
        JobState.Rejected => "rejected",
        JobState.AwaitingWorkPayment => "awaiting_work_payment",
        JobState.Executing => "executing",
        JobState.Complete => "complete",
        JobState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static readonly Dictionary<string, JobState> ByWireName =
        Enum.GetValues<JobState>().ToDictionary(state => state.ToWireName());

    public static JobState FromWireName(string name) =>
        ByWireName.TryGetValue(name, out var state)
            ? state
            : throw new InvalidOperationException($"Unknown job state '{name}' in the database");
}
