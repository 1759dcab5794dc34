using System.Text.Json;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// The whole paid flow over HTTP with the real LNbits and Claude clients, against their fakes: the client
/// only sees BOLT11 invoices, pays them at "its wallet" (the fake), and polls until the work is done.
/// </summary>
public sealed class PaidFlowOnRealBackendsTests : IAsyncLifetime
{
    private readonly FakeLnbits _lnbits = new();
    private readonly FakeAnthropic _anthropic = new();

    public async Task InitializeAsync()
    {
        await _lnbits.StartAsync();
        await _anthropic.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _lnbits.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [Fact]
    public async Task A_job_paid_through_lnbits_is_evaluated_and_done_by_claude()
    {
        var settings = _lnbits.TimmySettings().Concat(_anthropic.TimmySettings()).ToDictionary();
        settings["Lightning:PollIntervalMs"] = "200";
        using var factory = new TimmyFactory { Settings = settings };
        var client = factory.CreateClient();

        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        var jobId = created.Str("jobId");
        var evalInvoice = created.GetProperty("evalInvoice");
        Assert.False(evalInvoice.TryGetProperty("paymentHash", out _), "a real node's payment hash is not shown");
        Assert.Equal(10, _lnbits.Book.ByPaymentRequest(evalInvoice.Str("paymentRequest")).AmountSats);

        await _lnbits.SettleAsync(_lnbits.Book.ByPaymentRequest(evalInvoice.Str("paymentRequest")).HashHex);
        var accepted = await PollUntilAsync(client, jobId, "awaiting_work_payment");
        var workRequest = accepted.Str("workInvoice", "paymentRequest");
        Assert.Equal(accepted.GetProperty("workInvoice").GetProperty("amountSats").GetInt64(), _lnbits.Book.ByPaymentRequest(workRequest).AmountSats);

        await _lnbits.SettleAsync(_lnbits.Book.ByPaymentRequest(workRequest).HashHex);
        var done = await PollUntilAsync(client, jobId, "complete");

        Assert.Equal(FakeAnthropic.WorkAnswer, done.Str("result"));
        var job = await factory.WithDbAsync(db => Task.FromResult(db.Jobs.Single()));
        Assert.Equal((FakeAnthropic.EvalUsage.Input, FakeAnthropic.EvalUsage.Output), (job.EvalInputTokens, job.EvalOutputTokens));
        Assert.Equal((FakeAnthropic.WorkUsage.Input, FakeAnthropic.WorkUsage.Output), (job.WorkInputTokens, job.WorkOutputTokens));
        Assert.Equal(2, _anthropic.MessageRequests);
    }

    private static async Task<JsonElement> PollUntilAsync(HttpClient client, string jobId, string state)
    {
        var job = await Eventually.ReturnsAsync(
            () => client.GetJobAsync(jobId),
            job => job.Str("state") == state || job.Str("state") is "failed" or "rejected");
        Assert.Equal(state, job.Str("state"));
        return job;
    }
}
