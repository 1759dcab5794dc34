namespace Timmy.Api.Payments;

/// <summary>What an invoice pays for, as its row says: a job, or a session's deposit or top-up.</summary>
public readonly record struct PaymentOwner(Guid Id, bool IsSession);

/// <summary>
/// Looks up one payout on the node and records its outcome; the reconciler runs it so that one payout's failure
/// (the node or the database) is logged and leaves the rest to be looked up.
/// </summary>
public delegate Task PayoutLookup(Guid payoutOf, Func<Task> lookUpAsync);

/// <summary>
/// What Payments tells the features that take money (Jobs, Sessions). They subscribe by registering an
/// implementation; Payments imports none of them. Every subscriber hears every event and acts on its own only.
/// Both events may come more than once for the same payment: subscribers record payments and outcomes with
/// conditional updates, so a second hearing is harmless.
/// </summary>
public interface IPaymentEvents
{
    /// <summary>
    /// An invoice of <paramref name="owner"/>'s settled, as the node's feed said, or may have, as the safety poll
    /// found it still unpaid here: the owner asks the node (<see cref="PaymentChecks"/>) and records the payment.
    /// </summary>
    Task InvoiceMayBePaidAsync(PaymentOwner owner, CancellationToken cancellationToken);

    /// <summary>
    /// Payouts are due a look: each payout the subscriber left paying is handed to <paramref name="lookUp"/>, which
    /// asks the node how it ended (paid, or failed and owed again; unknown for longer than <paramref name="unknownAfter"/>
    /// counts as failed) and records that.
    /// </summary>
    Task SettlePayoutsAsync(PayoutLookup lookUp, TimeSpan unknownAfter, CancellationToken cancellationToken);
}
