using System.Text.Json;
using System.Text.Json.Serialization;
using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

[JsonConverter(typeof(JsonStringEnumConverter<SessionState>))]
public enum SessionState
{
    [JsonStringEnumMemberName("awaiting_payment")] AwaitingPayment,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("expired")] Expired,
}

/// <summary>
/// A pre-funded balance. <see cref="BalanceSats"/> is what may still be spent; sats reserved for requests in
/// flight are held in <see cref="ReservedSats"/> until they settle. A session changes only through the changes below,
/// each persisted as one conditional UPDATE (<see cref="SessionChange"/>) so that racing requests, payments and
/// instances stay exact; every credit and debit beside it is a <see cref="SessionLedgerEntry"/>.
/// </summary>
public sealed class Session
{
    /// <summary>The moves a session's state may make (staying put is not a move). A change that names another throws.</summary>
    private static readonly Dictionary<SessionState, SessionState[]> Moves = new()
    {
        // Its deposit paid; or never paid.
        [SessionState.AwaitingPayment] = [SessionState.Active, SessionState.Expired],
        // Its balance fell below the minimum (a request or a withdrawal); or idle too long.
        [SessionState.Active] = [SessionState.Paused, SessionState.Expired],
        // Topped up (or a withdrawal reversed) to the minimum again; or idle too long.
        [SessionState.Paused] = [SessionState.Active, SessionState.Expired],
        // A top-up paid late: enough to run again, or not yet.
        [SessionState.Expired] = [SessionState.Active, SessionState.Paused],
    };

    private Session()
    {
    }

    public Guid Id { get; private init; }

    public SessionState State { get; private set; }

    public long BalanceSats { get; private set; }

    public long ReservedSats { get; private set; }

    public DateTimeOffset CreatedAt { get; private init; }

    /// <summary>The session expires 24 h (configurable) after this: payment, request or top-up.</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    public Guid? PendingTopupInvoiceId { get; private set; }

    /// <summary>The client's amountless invoice that a Payment session's <c>close</c> refunds what is left to.</summary>
    public string? ReturnInvoice { get; private set; }

    public List<Invoice> Invoices { get; private init; } = [];

    public Invoice? DepositInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.SessionDeposit);

    public Invoice? PendingTopup => Invoices.FirstOrDefault(i => i.Id == PendingTopupInvoiceId);

    /// <summary>
    /// The top-ups that may still turn out paid: the pending one, and any other unpaid one issued after
    /// <paramref name="issuedAfter"/>. A top-up whose invoice lapsed unpaid is replaced by the next top-up request, and
    /// the replaced one still counts if a payment of it is reported late.
    /// </summary>
    public IEnumerable<Invoice> TopupsAwaitingPayment(DateTimeOffset issuedAfter) =>
        Invoices.Where(i => i is { Kind: InvoiceKind.SessionTopup, PaidAt: null } && (i.Id == PendingTopupInvoiceId || i.CreatedAt > issuedAfter));

    /// <summary>A new session, awaiting the payment of its deposit invoice.</summary>
    public static Session Open(Guid id, Invoice deposit, DateTimeOffset now) => new()
    {
        Id = id, State = SessionState.AwaitingPayment, CreatedAt = now, LastActivityAt = now, Invoices = [deposit],
    };

    /// <summary>
    /// A paid deposit or top-up: a deposit activates the session; a top-up resumes a paused or lapsed one once the
    /// balance reaches the minimum again (a lapsed one short of it is paused), and frees the pending slot if it held it.
    /// </summary>
    public static SessionChange Credit(Invoice invoice, long minimumBalance, DateTimeOffset now)
    {
        var amount = invoice.AmountSats;
        var state = SessionChange.StateRule(
            new(SessionState.AwaitingPayment, SessionState.Active),
            new(SessionState.Paused, SessionState.Active, s => s.BalanceSats + amount >= minimumBalance),
            new(SessionState.Expired, SessionState.Active, s => s.BalanceSats + amount >= minimumBalance),
            new(SessionState.Expired, SessionState.Paused));
        return new(null, set =>
        {
            set.SetProperty(s => s.BalanceSats, s => s.BalanceSats + amount);
            set.SetProperty(s => s.LastActivityAt, now);
            set.SetProperty(s => s.State, state.Next);
            if (invoice.Kind == InvoiceKind.SessionTopup)
            {
                // Frees the slot only for its own invoice: a late payment of a replaced top-up leaves the new one pending.
                set.SetProperty(s => s.PendingTopupInvoiceId, s => s.PendingTopupInvoiceId == invoice.Id ? null : s.PendingTopupInvoiceId);
            }
        });
    }

    /// <summary>Expires a session idle since <paramref name="cutoff"/>: unpaid since it opened, or unused since its last activity.</summary>
    public static SessionChange ExpireIdleSince(DateTimeOffset cutoff)
    {
        var state = SessionChange.StateRule(
            new(SessionState.AwaitingPayment, SessionState.Expired, s => s.CreatedAt <= cutoff),
            new(SessionState.Active, SessionState.Expired, s => s.LastActivityAt <= cutoff),
            new(SessionState.Paused, SessionState.Expired, s => s.LastActivityAt <= cutoff));
        return new(state.Applies, set => set.SetProperty(s => s.State, state.Next));
    }

    /// <summary>Holds a request's worst case back from the balance; only an active session with enough may.</summary>
    public static SessionChange Reserve(long sats) => new(
        s => s.State == SessionState.Active && s.BalanceSats >= sats,
        set => set
            .SetProperty(s => s.BalanceSats, s => s.BalanceSats - sats)
            .SetProperty(s => s.ReservedSats, s => s.ReservedSats + sats));

    /// <summary>Ends a request's reservation, giving back what it did not cost; an active session left short of the minimum pauses.</summary>
    public static SessionChange Settle(long reserved, long released, long minimumBalance, DateTimeOffset now)
    {
        var state = SessionChange.StateRule([new(SessionState.Active, SessionState.Paused, s => s.BalanceSats + released < minimumBalance)]);
        return new(null, set => set
            .SetProperty(s => s.ReservedSats, s => s.ReservedSats - reserved)
            .SetProperty(s => s.BalanceSats, s => s.BalanceSats + released)
            .SetProperty(s => s.LastActivityAt, now)
            .SetProperty(s => s.State, state.Next));
    }

    /// <summary>Gives a reservation back whole: its request was interrupted and is not charged.</summary>
    public static SessionChange ReleaseAbandoned(long reserved) => new(null, set => set
        .SetProperty(s => s.ReservedSats, s => s.ReservedSats - reserved)
        .SetProperty(s => s.BalanceSats, s => s.BalanceSats + reserved));

    /// <summary>
    /// Takes the whole balance for a withdrawal, only if it is still <paramref name="balance"/> with nothing reserved and the
    /// deposit was paid. With nothing left, an active session pauses until a top-up, as one that ran low does.
    /// </summary>
    public static SessionChange Withdraw(long balance)
    {
        var state = SessionChange.StateRule([new(SessionState.Active, SessionState.Paused)]);
        return new(
            s => s.BalanceSats == balance && s.ReservedSats == 0 && s.State != SessionState.AwaitingPayment,
            set => set.SetProperty(s => s.BalanceSats, 0L).SetProperty(s => s.State, state.Next));
    }

    /// <summary>Credits a failed withdrawal back; a paused session with the minimum again resumes.</summary>
    public static SessionChange ReverseWithdrawal(long amount, long minimumBalance)
    {
        var state = SessionChange.StateRule([new(SessionState.Paused, SessionState.Active, s => s.BalanceSats + amount >= minimumBalance)]);
        return new(null, set => set
            .SetProperty(s => s.BalanceSats, s => s.BalanceSats + amount)
            .SetProperty(s => s.State, state.Next));
    }

    /// <summary>Makes <paramref name="invoiceId"/> the pending top-up, only if the slot still holds <paramref name="replaced"/> and the session can be topped up.</summary>
    public static SessionChange ClaimTopupSlot(Guid? replaced, Guid invoiceId) => new(
        s => s.PendingTopupInvoiceId == replaced && (s.State == SessionState.Active || s.State == SessionState.Paused),
        set => set.SetProperty(s => s.PendingTopupInvoiceId, invoiceId));

    /// <summary>Keeps the return invoice a Payment session's <c>open</c> named (the latest one: the deposit's preimage proves the sender).</summary>
    public static SessionChange KeepReturnInvoice(string invoice) => new(
        s => s.ReturnInvoice != invoice,
        set => set.SetProperty(s => s.ReturnInvoice, invoice));

    internal static void EnsureLegal(SessionState from, SessionState to)
    {
        if (!Moves[from].Contains(to))
        {
            throw new InvalidOperationException($"Illegal session move {from.ToWireName()} -> {to.ToWireName()}");
        }
    }
}

public static class SessionStates
{
    public static string ToWireName(this SessionState state) => JsonSerializer.Serialize(state).Trim('"');
}
