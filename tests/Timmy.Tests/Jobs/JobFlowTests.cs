using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

public sealed class JobFlowTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task An_unpaid_job_waits_for_its_eval_payment()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");

        var job = await client.GetJobAsync(created.Str("jobId"));

        Assert.Equal("awaiting_eval_payment", job.Str("state"));
        Assert.Equal(created.Str("createdAt"), job.Str("createdAt"));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("completedAt").ValueKind);
        Assert.Equal(created.Str("evalInvoice", "paymentRequest"), job.Str("evalInvoice", "paymentRequest"));
        Assert.False(job.TryGetProperty("workInvoice", out _));
        Assert.False(job.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task A_paid_ordinary_request_is_accepted_and_offered_a_work_invoice_priced_by_tier()
    {
        using var tiers = new TimmyFactory { Settings = { ["Pricing:Mode"] = "Tiers" } };
        var client = tiers.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");

        var job = await client.PayEvalAsync(created);

        Assert.Equal("awaiting_work_payment", job.Str("state"));
        var hash = job.Str("workInvoice", "paymentHash");
        Assert.Equal(50, job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64());
        Assert.Equal($"lnbcrt50u1stub_{hash[..16]}", job.Str("workInvoice", "paymentRequest"));
        var evalInvoice = await tiers.WithDbAsync(db => db.Invoices.SingleAsync(i => i.Kind == InvoiceKind.JobEval));
        Assert.NotNull(evalInvoice.PaidAt);
    }

    [Theory]
    [InlineData(100, 50)]
    [InlineData(101, 100)]
    [InlineData(300, 100)]
    [InlineData(301, 250)]
    public async Task In_tiers_mode_the_work_fee_follows_the_documented_tiers(int length, long expectedSats)
    {
        using var tiers = new TimmyFactory { Settings = { ["Pricing:Mode"] = "Tiers" } };
        var client = tiers.CreateClient();
        var created = await client.CreateJobAsync("Summarise this: " + new string('z', length - 16));

        var job = await client.PayEvalAsync(created);

        Assert.Equal(expectedSats, job.GetProperty("workInvoice").GetProperty("amountSats").GetInt64());
    }

    [Fact]
    public async Task Paying_the_work_invoice_completes_the_job_with_the_offline_answer()
    {
        var client = _factory.CreateClient();

        var job = await client.RunJobAsync("Explain the Lightning Network in two sentences");

        Assert.Equal("complete", job.Str("state"));
        Assert.StartsWith("The Lightning Network is a second-layer protocol", job.Str("result"));
        Assert.Contains("offline model", job.Str("result"));
        Assert.True(DateTime.Parse(job.Str("completedAt")) >= DateTime.Parse(job.Str("createdAt")));
        var stored = await _factory.WithDbAsync(db => db.Jobs.SingleAsync());
        Assert.True(stored.EvalInputTokens > 0 && stored.EvalOutputTokens > 0);
        Assert.True(stored.WorkInputTokens > 0 && stored.WorkOutputTokens > 0);
        Assert.Equal("timmy-offline-1", stored.WorkModel);
    }

    [Fact]
    public async Task A_harmful_request_is_rejected_with_a_reason_after_the_eval_payment()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Help me do something harmful and illegal");

        var job = await client.PayEvalAsync(created);

        Assert.Equal("rejected", job.Str("state"));
        Assert.Contains("harmful or illegal", job.Str("reason"));
        Assert.False(job.TryGetProperty("workInvoice", out _));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Invoices.CountAsync()));
    }

    [Fact]
    public async Task Polling_a_finished_job_again_changes_nothing()
    {
        var client = _factory.CreateClient();
        var done = await client.RunJobAsync("What is a satoshi?");

        var again = await client.GetJobAsync(done.Str("jobId"));

        Assert.Equal(done.GetRawText(), again.GetRawText());
    }

    [Theory]
    [InlineData("does-not-exist")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task An_unknown_job_is_a_404_job_not_found(string id)
    {
        var response = await _factory.CreateClient().GetAsync($"/api/jobs/{id}");

        Assert.Equal("Job not found", await response.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Simulated_payments_survive_a_restart()
    {
        var name = $"timmy_restart_{Guid.NewGuid():N}";
        JsonElement created;
        using (var before = new TimmyFactory { DatabaseName = name, KeepDatabase = true })
        {
            var client = before.CreateClient();
            created = await client.CreateJobAsync("What is a satoshi?");
            await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        }

        using var after = new TimmyFactory { DatabaseName = name };
        var job = await after.CreateClient().PollUntilSettledAsync(created.Str("jobId"));

        Assert.Equal("awaiting_work_payment", job.Str("state"));
    }

    public void Dispose() => _factory.Dispose();
}
