using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Agent;
using Timmy.Api.Payments.Stub;
using Timmy.Lightning;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Refunds;

public sealed class RefundClaimTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_valid_invoice_for_exactly_the_refund_is_paid_once()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        var invoice = RefundInvoices.Mint(owed);

        var response = await client.ClaimRefundAsync(jobId, invoice);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(owed, body.GetProperty("refundAmountSats").GetInt64());
        Assert.Equal(Bolt11Invoice.Decode(invoice).PaymentHashHex, body.Str("paymentHash"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("message")));
        var payout = await _factory.WithDbAsync(db => db.StubPayments.SingleAsync());
        Assert.Equal(owed, payout.AmountSats);
        var job = await client.GetJobAsync(jobId);
        Assert.Equal("paid", job.Str("costLedger", "refundState"));
    }

    [Fact]
    public async Task A_second_claim_after_payment_is_a_409()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.ClaimRefundAsync(jobId, RefundInvoices.Mint(owed))).StatusCode);

        var again = await client.ClaimRefundAsync(jobId, RefundInvoices.Mint(owed));

        Assert.Equal("Refund already paid", await again.AssertErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Many_parallel_claims_make_exactly_one_payout()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.ClaimRefundAsync(jobId, RefundInvoices.Mint(owed))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(39, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    [Fact]
    public async Task A_wrong_amount_is_a_400_naming_the_amount_owed()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();

        var response = await client.ClaimRefundAsync(jobId, RefundInvoices.Mint(owed + 1));

        Assert.Contains($"exactly {owed} sats", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    public static TheoryData<string, string> BadInvoices => new()
    {
        { RefundInvoices.MintMsat(null), "must carry an amount" },
        { RefundInvoices.Mint(1, BitcoinNetwork.Mainnet), "this node is on Regtest" },
        { "lnbcrt1pvjluezsp5zyg3zyg3", "Invalid BOLT11 invoice" },
        { "not an invoice", "Invalid BOLT11 invoice" },
        { "lnbcrt10u1stub_0123456789abcdef", "Invalid BOLT11 invoice" },
    };

    [Theory]
    [MemberData(nameof(BadInvoices))]
    public async Task Undecodable_or_unsuitable_invoices_are_400s(string invoice, string expected)
    {
        var client = _factory.CreateClient();
        var (jobId, _) = await client.CompletedJobOwingAsync();

        var response = await client.ClaimRefundAsync(jobId, invoice);

        Assert.Contains(expected, await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task An_expired_invoice_is_a_400()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        var expired = RefundInvoices.Mint(owed, timestamp: DateTimeOffset.UtcNow.AddHours(-2), expiry: TimeSpan.FromMinutes(10));

        var response = await client.ClaimRefundAsync(jobId, expired);

        Assert.Equal("Invoice has expired", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_corrupted_invoice_fails_its_checksum()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        var invoice = RefundInvoices.Mint(owed);
        var tampered = invoice[..^10] + (invoice[^10] == 'q' ? 'p' : 'q') + invoice[^9..];

        var response = await client.ClaimRefundAsync(jobId, tampered);

        Assert.Contains("Invalid BOLT11 invoice", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"invoice": 5}""")]
    [InlineData("""{"invoice": "  "}""")]
    [InlineData("not json")]
    public async Task A_missing_invoice_is_a_400(string body)
    {
        var client = _factory.CreateClient();
        var (jobId, _) = await client.CompletedJobOwingAsync();

        var response = await client.PostRawAsync($"/api/jobs/{jobId}/refund", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_job_is_a_404()
    {
        var response = await _factory.CreateClient().ClaimRefundAsync(Guid.NewGuid().ToString(), RefundInvoices.Mint(1));

        Assert.Equal("Job not found", await response.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_job_that_is_not_complete_is_a_409()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");

        var response = await client.ClaimRefundAsync(created.Str("jobId"), RefundInvoices.Mint(1));

        Assert.Contains("not complete", await response.AssertErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_job_that_owes_nothing_is_a_409()
    {
        using var expensive = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Using(100_000, 100_000)),
        };
        var client = expensive.CreateClient();
        var job = await client.RunJobAsync("What is a satoshi?");

        var response = await client.ClaimRefundAsync(job.Str("jobId"), RefundInvoices.Mint(1));

        Assert.Equal("No refund is owed for this job", await response.AssertErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task An_invoice_the_node_already_paid_is_refused_and_the_refund_stays_claimable()
    {
        var client = _factory.CreateClient();
        var (jobId, owed) = await client.CompletedJobOwingAsync();
        var alreadyPaid = RefundInvoices.Mint(owed);
        await _factory.WithDbAsync(async db =>
        {
            // The stub node has already paid this invoice: paying it again would come back "already paid".
            db.StubPayments.Add(new StubPayment
            {
                PaymentHash = Bolt11Invoice.Decode(alreadyPaid).PaymentHashHex,
                PaymentRequest = alreadyPaid,
                AmountSats = owed,
                Preimage = new string('0', 64),
                SentAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });

        var refused = await client.ClaimRefundAsync(jobId, alreadyPaid);

        Assert.Contains("already been paid", await refused.AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal("pending", (await client.GetJobAsync(jobId)).Str("costLedger", "refundState"));
        Assert.Equal(HttpStatusCode.OK, (await client.ClaimRefundAsync(jobId, RefundInvoices.Mint(owed))).StatusCode);
    }

    [Fact]
    public async Task A_job_that_fails_after_its_work_was_paid_owes_the_whole_work_amount()
    {
        using var failing = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Throwing("529 overloaded")),
        };
        var client = failing.CreateClient();
        var job = await client.RunJobAsync("What is a satoshi?");
        var paid = job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64();

        Assert.Equal("failed", job.Str("state"));
        var ledger = job.GetProperty("costLedger");
        Assert.Equal(paid, ledger.GetProperty("refundAmountSats").GetInt64());
        Assert.Equal(0, ledger.GetProperty("actualAmountSats").GetInt64());
        Assert.Equal("pending", ledger.Str("refundState"));

        var response = await client.ClaimRefundAsync(job.Str("jobId"), RefundInvoices.Mint(paid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(paid, (await response.ReadJsonAsync()).GetProperty("refundAmountSats").GetInt64());
    }

    public void Dispose() => _factory.Dispose();
}
