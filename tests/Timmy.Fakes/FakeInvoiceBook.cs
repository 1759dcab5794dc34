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

    public string HashHex => Convert.ToHexStringLower(Hash);
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

    public FakeInvoice? Find(string hashHex) => _issued.GetValueOrDefault(hashHex.ToLowerInvariant());

    public FakeInvoice? FindPayable(string paymentRequest) => _payable.Values.FirstOrDefault(i => i.PaymentRequest == paymentRequest);

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
