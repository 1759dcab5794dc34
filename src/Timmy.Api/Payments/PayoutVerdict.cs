namespace Timmy.Api.Payments;

/// <summary>What to do with a payout left paying (a refund, a session withdrawal), from the node's record of it.</summary>
public enum PayoutVerdict
{
    /// <summary>Still in flight, or too recent to give up: look again later.</summary>
    Wait,

    Paid,

    /// <summary>It failed, or never reached the node: the sats are owed again.</summary>
    GiveBack,
}

public static class PayoutVerdicts
{
    /// <summary>
    /// Succeeded → paid; failed → give back; unknown to the node → give back, but only once <paramref name="unknownAfter"/>
    /// has passed since it started, so a payout still on its way to the node is not mistaken for one that never left.
    /// </summary>
    public static PayoutVerdict From(OutgoingPaymentStatus? status, DateTimeOffset? startedAt, DateTimeOffset now, TimeSpan unknownAfter) =>
        status?.State switch
        {
            OutgoingPaymentState.Succeeded => PayoutVerdict.Paid,
            OutgoingPaymentState.Failed => PayoutVerdict.GiveBack,
            null when startedAt is not { } started || now - started >= unknownAfter => PayoutVerdict.GiveBack,
            _ => PayoutVerdict.Wait,
        };
}
