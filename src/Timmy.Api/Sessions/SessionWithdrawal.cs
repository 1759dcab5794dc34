using System.Text.Json.Serialization;

namespace Timmy.Api.Sessions;

[JsonConverter(typeof(JsonStringEnumConverter<SessionWithdrawalState>))]
public enum SessionWithdrawalState
{
    /// <summary>Debited from the balance and sent (or being sent) to the node; its outcome is not known yet.</summary>
    [JsonStringEnumMemberName("paying")] Paying,

    /// <summary>The node paid it.</summary>
    [JsonStringEnumMemberName("paid")] Paid,

    /// <summary>The payment failed or never reached the node: the sats went back to the balance.</summary>
    [JsonStringEnumMemberName("reversed")] Reversed,
}

/// <summary>One payout of a session's balance to an invoice of the client's.</summary>
public sealed class SessionWithdrawal
{
    public Guid Id { get; init; }

    public Guid SessionId { get; init; }

    public long AmountSats { get; init; }

    public required string PaymentHash { get; init; }

    public SessionWithdrawalState State { get; set; }

    /// <summary>When the payout started; one the node has no record of is given up only some time after this.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SettledAt { get; set; }
}
