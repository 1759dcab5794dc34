using System.Text.Json.Serialization;
using Timmy.Api.Agent;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>The lifecycle of a per-job request (moves: <see cref="Job"/>). The wire names are the seed's snake_case names.</summary>
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

/// <summary>The lifecycle of money owed back on a job (moves: <see cref="Job"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefundState>))]
public enum RefundState
{
    [JsonStringEnumMemberName("not_applicable")] NotApplicable,
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>A claim won the payout and is paying; shown to clients as pending.</summary>
    [JsonStringEnumMemberName("pending")] Paying,
    [JsonStringEnumMemberName("paid")] Paid,
}

/// <summary>
/// A paid request, and the only place that says how it may change (after eShop's <c>Order</c>): the tables of legal
/// moves are here, every property has a private setter, and each move is made by one of the methods below, which
/// check it against the table (an illegal move throws) and decide the values it writes. A move is persisted by
/// <see cref="JobTransitions"/> as one conditional update (<c>WHERE state = @from</c>), so concurrent pollers and
/// instances agree on who made it; the hot path never loads a job to move it.
/// </summary>
public sealed class Job
{
    private static readonly Dictionary<JobState, JobState[]> Moves = new()
    {
        [JobState.AwaitingEvalPayment] = [JobState.Evaluating],
        [JobState.Evaluating] = [JobState.AwaitingWorkPayment, JobState.Rejected, JobState.Failed],
        [JobState.AwaitingWorkPayment] = [JobState.Executing],
        [JobState.Executing] = [JobState.Complete, JobState.Failed],
        [JobState.Rejected] = [],
        [JobState.Complete] = [],
        [JobState.Failed] = [],
    };

    /// <summary>Pending is entered with the cost ledger (<see cref="Complete"/>, <see cref="Fail"/>), never from another refund state.</summary>
    private static readonly Dictionary<RefundState, RefundState[]> RefundMoves = new()
    {
        [RefundState.NotApplicable] = [],
        [RefundState.Pending] = [RefundState.Paying],
        [RefundState.Paying] = [RefundState.Paid, RefundState.Pending],
        [RefundState.Paid] = [],
    };

    /// <summary>The states in which a worker holds the job with a lease (see <see cref="JobLeases"/>).</summary>
    public static readonly JobState[] LeasableStates = [JobState.Evaluating, JobState.Executing];

    /// <summary>The eval invoice is paid: the eval may run. Shared, so a paid job's move allocates nothing.</summary>
    public static readonly JobMove EvalPaid = new(JobState.AwaitingEvalPayment, JobState.Evaluating);

    /// <summary>The work invoice is paid: the work may run.</summary>
    public static readonly JobMove WorkPaid = new(JobState.AwaitingWorkPayment, JobState.Executing);

    private Job()
    {
    }

    /// <summary>A new job awaiting the payment of <paramref name="evalInvoice"/>.</summary>
    public static Job Create(Guid id, string request, Invoice evalInvoice, DateTimeOffset now) => new()
    {
        Id = id,
        Request = request,
        State = JobState.AwaitingEvalPayment,
        CreatedAt = now,
        UpdatedAt = now,
        Invoices = [evalInvoice],
    };

    public static void EnsureLegal(JobState from, JobState to)
    {
        if (!Moves[from].Contains(to))
        {
            throw new InvalidOperationException($"Illegal job transition {from.ToWireName()} -> {to.ToWireName()}");
        }
    }

    public static void EnsureLegal(RefundState from, RefundState to)
    {
        if (!RefundMoves[from].Contains(to))
        {
            throw new InvalidOperationException($"Illegal refund transition {from} -> {to}");
        }
    }

    /// <summary>
    /// The invoice this job waits on and the move its payment makes (to evaluating or executing); null in a state
    /// that waits on no payment.
    /// </summary>
    public (Invoice Invoice, JobMove Move)? PaymentAwaited => State switch
    {
        JobState.AwaitingEvalPayment when EvalInvoice is { } eval => (eval, EvalPaid),
        JobState.AwaitingWorkPayment when WorkInvoice is { } work => (work, WorkPaid),
        _ => null,
    };

    /// <summary>The eval model turned the request down.</summary>
    public static JobMove Reject(string? reason, TokenUsage usage) =>
        new(JobState.Evaluating, JobState.Rejected) { Reason = reason, EvalUsage = usage };

    /// <summary>The eval accepted the request and the work is priced: the work invoice is issued with this move.</summary>
    public static JobMove Accept(TokenUsage usage, WorkQuote quote) =>
        new(JobState.Evaluating, JobState.AwaitingWorkPayment) { EvalUsage = usage, Quote = quote };

    /// <summary>The work is done; the ledger says what it cost, and a refund is pending whenever something is owed back.</summary>
    public static JobMove Complete(string result, TokenUsage usage, WorkSettlement settlement) =>
        new(JobState.Executing, JobState.Complete) { Result = result, WorkUsage = usage, Settlement = settlement };

    /// <summary>
    /// The eval or the work failed. Work paid for and not delivered (<paramref name="workPaidSats"/>) is owed back
    /// in full, through the refund path.
    /// </summary>
    public static JobMove Fail(JobState from, string message, long workPaidSats) =>
        new(from, JobState.Failed) { ErrorMessage = message, RefundAllOf = workPaidSats > 0 ? workPaidSats : null };

    /// <summary>A move of the refund state about one payout attempt (see <see cref="RefundMove"/>).</summary>
    public static RefundMove MoveRefund(RefundState from, RefundState to, string paymentHash, DateTimeOffset? attemptedAt) =>
        new(from, to, paymentHash, attemptedAt);

    public Guid Id { get; private set; }

    public string Request { get; private set; } = "";

    public JobState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>The worker instance that holds the job while it is evaluating or executing.</summary>
    public string? LeaseOwner { get; private set; }

    /// <summary>After this, a worker that died holding the job is presumed gone and another may take it.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>How many times a worker has taken up the job in its current state.</summary>
    public int Attempts { get; private set; }

    /// <summary>Why the eval model turned the request down.</summary>
    public string? Reason { get; private set; }

    public string? Result { get; private set; }

    public string? ErrorMessage { get; private set; }

    public string? EvalModel { get; private set; }

    public int EvalInputTokens { get; private set; }

    public int EvalOutputTokens { get; private set; }

    public string? WorkModel { get; private set; }

    public int WorkInputTokens { get; private set; }

    public int WorkOutputTokens { get; private set; }

    // The work quote, fixed when the work invoice is created (see WorkQuote).
    public int? EstimatedInputTokens { get; private set; }

    public int? EstimatedOutputTokens { get; private set; }

    public decimal? EstimatedCostUsd { get; private set; }

    public decimal? InputUsdPerMillion { get; private set; }

    public decimal? OutputUsdPerMillion { get; private set; }

    public decimal? InfraCostUsd { get; private set; }

    public decimal? MarginPct { get; private set; }

    /// <summary>BTC/USD locked when the work invoice was created; the ledger converts at this price.</summary>
    public decimal? BtcPriceUsd { get; private set; }

    // The cost ledger, written once the work is done (or has failed after being paid for).
    public decimal? ActualCostUsd { get; private set; }

    public decimal? ActualChargeUsd { get; private set; }

    public long? ActualAmountSats { get; private set; }

    public long RefundAmountSats { get; private set; }

    public RefundState RefundState { get; private set; }

    /// <summary>The hash of the invoice a refund is being or was paid to.</summary>
    public string? RefundPaymentHash { get; private set; }

    /// <summary>When the refund's payout was started; a payout left in paying is looked up on the node after a while.</summary>
    public DateTimeOffset? RefundAttemptedAt { get; private set; }

    public DateTimeOffset? RefundedAt { get; private set; }

    public List<Invoice> Invoices { get; private set; } = [];

    public WorkQuote? Quote => BtcPriceUsd is { } btcPrice && WorkInvoice is { } invoice
        ? new WorkQuote(
            invoice.AmountSats,
            EstimatedInputTokens ?? 0,
            EstimatedOutputTokens ?? 0,
            EstimatedCostUsd ?? 0,
            InputUsdPerMillion ?? 0,
            OutputUsdPerMillion ?? 0,
            InfraCostUsd ?? 0,
            MarginPct ?? 0,
            btcPrice)
        : null;

    public Invoice? EvalInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobEval);

    public Invoice? WorkInvoice => Invoices.FirstOrDefault(i => i.Kind == InvoiceKind.JobWork);
}
