using System.Text.Json;
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
        // A cold host and HTTP stack can outlast a 400 ms attempt on a loaded machine: healthy creations warm them first.
        await Eventually.ReturnsAsync(() => client.PostRawAsync("/api/jobs", """{"request": "warm-up"}"""), r => r.StatusCode == HttpStatusCode.Created);

        // A job whose eval invoice gets paid while the node is failing: polls report it unchanged, never failed.
        var created = await client.CreateJobAsync("What is a satoshi?");
        await lnbits.SettleAsync(await HashOfAsync(factory, created.Str("jobId")));
        lnbits.Fault = Fault.ServerError;
        Assert.Equal("awaiting_eval_payment", (await client.GetJobAsync(created.Str("jobId"))).Str("state"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostRawAsync("/api/jobs", """{"request": "hi"}""")).StatusCode);

        lnbits.Fault = Fault.None;

        // Polls see the payment once the node answers again (its circuit breaker may hold calls back a few seconds more).
        await Eventually.ReturnsAsync(() => client.GetJobAsync(created.Str("jobId")), job => job.Str("state") == "awaiting_work_payment", TimeSpan.FromSeconds(20));
        await lnbits.SettleAsync(await HashOfAsync(factory, created.Str("jobId"), work: true));
        Assert.Equal("complete", (await client.PollUntilSettledAsync(created.Str("jobId"))).Str("state"));
        Assert.Equal(HttpStatusCode.Created, (await client.PostRawAsync("/api/jobs", """{"request": "hi"}""")).StatusCode);
    }

    [Fact]
    public async Task A_job_paid_during_a_short_model_outage_completes_once_the_model_is_back()
    {
        await using var outage = await ModelOutage.StartAsync();

        var (done, requests) = await outage.PayWorkWhileFailingAsync(529, times: 2);

        Assert.Equal("complete", done.Str("state"));
        Assert.Equal(FakeAnthropic.WorkAnswer, done.Str("result"));
        Assert.Equal(3, requests); // two overloaded answers, then the work
    }

    [Fact]
    public async Task A_refused_model_call_is_not_retried()
    {
        await using var outage = await ModelOutage.StartAsync();

        var (failed, requests) = await outage.PayWorkWhileFailingAsync(400);

        Assert.Equal("failed", failed.Str("state"));
        Assert.Equal(1, requests);
    }

    [Fact]
    public async Task After_a_model_outage_new_jobs_complete_and_the_failed_one_owes_its_payment_back()
    {
        await using var outage = await ModelOutage.StartAsync();
        var (failed, requests) = await outage.PayWorkWhileFailingAsync(529);

        outage.Anthropic.FailWith = null;
        var after = await outage.Client.RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", failed.Str("state"));
        Assert.Equal(3, requests); // the work, tried on each of Jobs:MaxAttempts attempts
        Assert.Equal("pending", failed.Str("costLedger", "refundState"));
        Assert.Equal(failed.GetProperty("workInvoice").GetProperty("amountSats").GetInt64(), failed.GetProperty("costLedger").GetProperty("refundAmountSats").GetInt64());
        Assert.Equal("complete", after.Str("state"));
        Assert.Equal(FakeAnthropic.WorkAnswer, after.Str("result"));
    }

    /// <summary>Timmy on a fake Claude whose calls fail fast (no SDK retries), with failed jobs retried quickly (TimmyFactory's 50 ms).</summary>
    private sealed class ModelOutage : IAsyncDisposable
    {
        private ModelOutage(FakeAnthropic anthropic, TimmyFactory factory)
        {
            Anthropic = anthropic;
            Factory = factory;
            Client = factory.CreateClient();
        }

        public FakeAnthropic Anthropic { get; }

        public TimmyFactory Factory { get; }

        public HttpClient Client { get; }

        public static async Task<ModelOutage> StartAsync()
        {
            var anthropic = new FakeAnthropic();
            await anthropic.StartAsync();
            var settings = anthropic.TimmySettings();
            settings["Agent:Anthropic:MaxRetries"] = "0";
            return new ModelOutage(anthropic, new TimmyFactory { Settings = settings });
        }

        /// <summary>Pays a job's work while the model answers <paramref name="status"/> (to <paramref name="times"/> requests, or all), then waits for it to settle.</summary>
        public async Task<(JsonElement Job, int ModelRequests)> PayWorkWhileFailingAsync(int status, int? times = null)
        {
            var accepted = await Client.PayEvalAsync(await Client.CreateJobAsync("What is a satoshi?"));
            var before = Anthropic.MessageRequests;
            Anthropic.FailWith = status;
            Anthropic.FailTimes = times;

            await Client.PayAsync(accepted.Str("workInvoice", "paymentHash"));
            var settled = await Client.PollUntilSettledAsync(accepted.Str("jobId"));
            return (settled, Anthropic.MessageRequests - before);
        }

        public async ValueTask DisposeAsync()
        {
            Factory.Dispose();
            await Anthropic.DisposeAsync();
        }
    }

    private static Task<string> HashOfAsync(TimmyFactory factory, string jobId, bool work = false) => factory.WithDbAsync(async db =>
    {
        var kind = work ? Timmy.Api.Payments.InvoiceKind.JobWork : Timmy.Api.Payments.InvoiceKind.JobEval;
        var id = Guid.Parse(jobId);
        return (await db.Invoices.FirstAsync(i => i.JobId == id && i.Kind == kind)).PaymentHash;
    });
}
