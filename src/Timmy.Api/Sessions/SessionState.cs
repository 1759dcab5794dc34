using System.Text.Json.Serialization;

namespace Timmy.Api.Sessions;

[JsonConverter(typeof(JsonStringEnumConverter<SessionState>))]
public enum SessionState
{
    [JsonStringEnumMemberName("awaiting_payment")] AwaitingPayment,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("expired")] Expired,
}
