using System.Text.Json.Serialization;

namespace Timmy.Api.Jobs;

/// <summary>The lifecycle of money owed back on a job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefundState>))]
public enum RefundState
{
    [JsonStringEnumMemberName("not_applicable")] NotApplicable,
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>A claim won the payout and is paying; shown to clients as pending.</summary>
    [JsonStringEnumMemberName("pending")] Paying,
    [JsonStringEnumMemberName("paid")] Paid,
}
