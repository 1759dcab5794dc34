using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Timmy.Lightning;

namespace Timmy.EndToEnd;

/// <summary>Beyond the walkthrough: a completed job's overpayment comes back over (stub) Lightning.</summary>
public sealed class RefundTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task The_overpayment_of_a_completed_job_is_refunded_to_a_signed_invoice()
    {
        using var client = server.CreateClient();
        var created = await (await client.PostAsJsonAsync("/api/jobs", new { request = "What is a satoshi?" })).ReadJsonAsync();
        var jobId = created.GetProperty("jobId").GetString();
        await client.PostAsync($"/api/dev/stub/pay/{created.GetProperty("evalInvoice").GetProperty("paymentHash").GetString()}", null);
        var accepted = await client.PollUntilSettledAsync(jobId!);
        await client.PostAsync($"/api/dev/stub/pay/{accepted.GetProperty("workInvoice").GetProperty("paymentHash").GetString()}", null);
        var done = await client.PollUntilSettledAsync(jobId!);
        var owed = done.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64();
        Assert.True(owed > 0);

        var invoice = new Bolt11InvoiceBuilder
        {
            Network = BitcoinNetwork.Regtest,
            AmountMsat = owed * 1000,
            Timestamp = DateTimeOffset.UtcNow,
            PaymentHash = RandomNumberGenerator.GetBytes(32),
            PaymentSecret = RandomNumberGenerator.GetBytes(32),
            Description = "refund",
        }.Encode(RandomNumberGenerator.GetBytes(32));
        var refund = await client.PostAsJsonAsync($"/api/jobs/{jobId}/refund", new { invoice });
        var again = await client.PostAsJsonAsync($"/api/jobs/{jobId}/refund", new { invoice });

        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal(owed, (await refund.ReadJsonAsync()).GetProperty("refundAmountSats").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var settled = await (await client.GetAsync($"/api/jobs/{jobId}")).ReadJsonAsync();
        Assert.Equal("paid", settled.GetProperty("costLedger").GetProperty("refundState").GetString());
    }
}
