using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Agent;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Reliability;

/// <summary>Outages end: once the Lightning node or the model is back, the same server carries on, and no paid job is left stuck.</summary>
public sealed class RecoveryTests
{
    private static readonly Dictionary<string, string?> TightBounds = new()
    {
        ["Lightning:RequestTimeoutMs"] = "400",
        ["Lightning:MaxRetries"] = "1",
        ["Lightning:WatchInvoices"] = "false",
    };

    [Fact]
    public async Task After_a_lightning_outage_the_paid_flow_completes_and_nothing_was_lost()
    {
        await using var lnbits = new FakeLnbits();
        await lnbits.StartAsync();
        using var factory = new TimmyFactory { Settings = lnbits.TimmySettings().Concat(TightBounds).ToDictionary() };
        var client = factory.CreateClient();

        // A job whose eval invoice gets paid while the node is failing: polls report it unchanged, never failed.
        var created = await client.CreateJobAsync("What is a satoshi?");
        await lnbits.SettleAsync(await HashOfAsync(factory, created.Str("jobId")));
        lnbits.Fault = Fault.ServerError;
        Assert.Equal("awaiting_eval_payment", (await client.GetJobAsync(created.Str("jobId"))).Str("state"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostRawAsync("/api/jobs", """{"request": "hi"}""")).StatusCode);

        lnbits.Fault = Fault.None;

        var accepted = await client.PollUntilSettledAsync(created.Str("jobId"));
        Assert.Equal("awaiting_work_payment", accepted.Str("state"));
        await lnbits.SettleAsync(await HashOfAsync(factory, created.Str("jobId"), work: true));
        Assert.Equal("complete", (await client.PollUntilSettledAsync(created.Str("jobId"))).Str("state"));
        Assert.Equal(HttpStatusCode.Created, (await client.PostRawAsync("/api/jobs", """{"request": "hi"}""")).StatusCode);
    }

    [Fact]
    public async Task After_a_model_outage_new_jobs_complete_and_the_failed_one_owes_its_payment_back()
    {
        await using var anthropic = new FakeAnthropic();
        await anthropic.StartAsync();
        using var factory = new TimmyFactory { Settings = anthropic.TimmySettings() };
        var client = factory.CreateClient();
        var during = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));
        anthropic.FailWith = 529;
        await client.PayAsync(during.Str("workInvoice", "paymentHash"));
        var failed = await client.PollUntilSettledAsync(during.Str("jobId"));

        anthropic.FailWith = null;
        var after = await client.RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", failed.Str("state"));
        Assert.Equal("pending", failed.Str("costLedger", "refundState"));
        Assert.Equal(failed.GetProperty("workInvoice").GetProperty("amountSats").GetInt64(), failed.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64());
        Assert.Equal("complete", after.Str("state"));
        Assert.Equal(FakeAnthropic.WorkAnswer, after.Str("result"));
    }

    private static Task<string> HashOfAsync(TimmyFactory factory, string jobId, bool work = false) => factory.WithDbAsync(async db =>
    {
        var kind = work ? Timmy.Api.Payments.InvoiceKind.JobWork : Timmy.Api.Payments.InvoiceKind.JobEval;
        var id = Guid.Parse(jobId);
        return (await db.Invoices.FirstAsync(i => i.JobId == id && i.Kind == kind)).PaymentHash;
    });
}
