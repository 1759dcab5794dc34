using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Timmy.Tests.Fakes;

/// <summary>An invoice as a fake node keeps it.</summary>
public sealed class FakeInvoice
{
    public required byte[] Preimage { get; init; }

    public required byte[] Hash { get; init; }

    public required string PaymentRequest { get; init; }

    public long AmountSats { get; init; }

    public string Memo { get; init; } = "";

    public long ExpirySeconds { get; init; } = 3600;

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? SettledAt { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>LND's settle_index: the order in which the node's invoices settled (0 while unsettled).</summary>
    public long SettleIndex { get; set; }

    /// <summary>For an invoice of another node: how far this node's payment of it has got.</summary>
    public FakePayoutState Payout { get; set; }

    public string HashHex => Convert.ToHexStringLower(Hash);
}

public enum FakePayoutState
{
    NotAttempted,
    InFlight,
    Succeeded,
    Failed,
}

/// <summary>How a fake node answers a request to pay, to test payouts whose outcome is not known at once.</summary>
public enum FakePayoutMode
{
    /// <summary>Pays at once and says so.</summary>
    Succeed,

    /// <summary>Takes the payment on and answers that it is still in flight; <see cref="FakeInvoiceBook.FinishPayout"/> ends it.</summary>
    StayInFlight,

    /// <summary>Takes the payment on, then drops the connection without an answer.</summary>
    HangUp,

    /// <summary>Takes the payment on, then reports an error for the call (LND only: an error line in its stream).</summary>
    StreamError,
}

/// <summary>
/// The invoices a fake node issued, and the invoices of "other nodes" it can pay. Payment requests are
/// opaque strings here: the fakes never decode BOLT11, they look the string up.
/// </summary>
public sealed class FakeInvoiceBook(string prefix)
{
    private readonly ConcurrentDictionary<string, FakeInvoice> _issued = new();
    private readonly ConcurrentDictionary<string, FakeInvoice> _payable = new();

    public FakeInvoice Issue(long amountSats, string memo, long expirySeconds) =>
        Add(_issued, amountSats, memo, expirySeconds);

    /// <summary>An invoice from another node that this node's wallet may pay (a refund destination).</summary>
    public FakeInvoice IssuePayable(long amountSats) => Add(_payable, amountSats, "refund", 3600);

    /// <summary>Lets this node pay a real BOLT11 invoice (a refund a client minted), known by its hash; the preimage is made up.</summary>
    public FakeInvoice AcceptPayable(string paymentRequest, string hashHex, long amountSats)
    {
        var invoice = new FakeInvoice { Preimage = RandomNumberGenerator.GetBytes(32), Hash = Convert.FromHexString(hashHex), PaymentRequest = paymentRequest, AmountSats = amountSats, Memo = "refund" };
        _payable[invoice.HashHex] = invoice;
        return invoice;
    }

    public FakeInvoice? Find(string hashHex) => _issued.GetValueOrDefault(hashHex.ToLowerInvariant());

    /// <summary>A payment this node was asked to make, by the hash of the invoice it paid; null if never asked.</summary>
    public FakeInvoice? FindPayout(string hashHex) =>
        _payable.GetValueOrDefault(hashHex.ToLowerInvariant()) is { Payout: not FakePayoutState.NotAttempted } payout ? payout : null;

    /// <summary>Ends an in-flight payment, as the network eventually would.</summary>
    public void FinishPayout(string hashHex, bool succeeded)
    {
        var payout = FindPayout(hashHex) ?? throw new InvalidOperationException($"No payment {hashHex}");
        payout.Payout = succeeded ? FakePayoutState.Succeeded : FakePayoutState.Failed;
        payout.SettledAt = succeeded ? DateTimeOffset.UtcNow : null;
    }

    /// <summary>How many of this node's payments succeeded: a refund paid twice shows here.</summary>
    public int SucceededPayouts => _payable.Values.Count(i => i.Payout == FakePayoutState.Succeeded);

    public FakeInvoice? FindPayable(string paymentRequest) => _payable.Values.FirstOrDefault(i => i.PaymentRequest == paymentRequest);

    /// <summary>This node's invoices settled after <paramref name="settleIndex"/>, in settlement order.</summary>
    public IEnumerable<FakeInvoice> SettledAfter(long settleIndex) =>
        _issued.Values.Where(i => i.SettleIndex > settleIndex).OrderBy(i => i.SettleIndex);

    public FakeInvoice ByPaymentRequest(string paymentRequest) => _issued.Values.Single(i => i.PaymentRequest == paymentRequest);

    private FakeInvoice Add(ConcurrentDictionary<string, FakeInvoice> book, long amountSats, string memo, long expirySeconds)
    {
        var preimage = RandomNumberGenerator.GetBytes(32);
        var hash = SHA256.HashData(preimage);
        var invoice = new FakeInvoice
        {
            Preimage = preimage,
            Hash = hash,
            PaymentRequest = $"lnbcrt{amountSats}n1p{prefix}{Convert.ToHexStringLower(hash)[..24]}",
            AmountSats = amountSats,
            Memo = memo,
            ExpirySeconds = expirySeconds,
        };
        book[invoice.HashHex] = invoice;
        return invoice;
    }
}
