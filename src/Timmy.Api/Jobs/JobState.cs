using System.Text.Json.Serialization;

namespace Timmy.Api.Jobs;

/// <summary>The lifecycle of a per-job request. The wire names are the seed's snake_case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    [JsonStringEnumMemberName("awaiting_eval_payment")] AwaitingEvalPayment,
    [JsonStringEnumMemberName("evaluating")] Evaluating,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("awaiting_work_payment")] AwaitingWorkPayment,
    [JsonStringEnumMemberName("executing")] Executing,
    [JsonStringEnumMemberName("complete")] Complete,
    [JsonStringEnumMemberName("failed")] Failed,
}

public static class JobStateMachine
{
    private static readonly Dictionary<JobState, JobState[]> Allowed = new()
    {
        [JobState.AwaitingEvalPayment] = [JobState.Evaluating],
        [JobState.Evaluating] = [JobState.AwaitingWorkPayment, JobState.Rejected, JobState.Failed],
        [JobState.AwaitingWorkPayment] = [JobState.Executing],
        [JobState.Executing] = [JobState.Complete, JobState.Failed],
        [JobState.Rejected] = [],
        [JobState.Complete] = [],
        [JobState.Failed] = [],
    };

    /// <summary>Every transition in the code goes through here, so an illegal one fails loudly.</summary>
    public static void EnsureLegal(JobState from, JobState to)
    {
        if (!Allowed[from].Contains(to))
        {
            throw new InvalidOperationException($"Illegal job transition {from.ToWireName()} -> {to.ToWireName()}");
        }
    }

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
