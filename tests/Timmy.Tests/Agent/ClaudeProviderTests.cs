using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Agent;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Agent;

/// <summary>Claude through the Anthropic SDK's IChatClient, against a fake of the Messages API.</summary>
public sealed class ClaudeProviderTests : FakeServerTests<FakeAnthropic>
{
    [Fact]
    public async Task The_work_client_calls_the_work_model_and_reports_claudes_token_usage()
    {
        using var factory = Factory();
        var work = factory.Services.GetRequiredKeyedService<IChatClient>(AgentKeys.Work);

        var response = await work.GetResponseAsync("Explain Lightning");

        Assert.Equal(FakeAnthropic.WorkAnswer, response.Text);
        Assert.Equal(FakeAnthropic.WorkUsage.Input, response.Usage?.InputTokenCount);
        Assert.Equal(FakeAnthropic.WorkUsage.Output, response.Usage?.OutputTokenCount);
        var request = Fake.LastRequest!.Value;
        Assert.Equal("claude-sonnet-4-6", request.Model);
        Assert.True(request.ApiKeyHeader == FakeAnthropic.ApiKey || request.Authorization == $"Bearer {FakeAnthropic.ApiKey}");
        Assert.False(string.IsNullOrEmpty(request.Version));
    }

    [Fact]
    public async Task Streaming_reads_claudes_server_sent_events()
    {
        using var factory = Factory();
        var work = factory.Services.GetRequiredKeyedService<IChatClient>(AgentKeys.Work);

        var updates = await work.GetStreamingResponseAsync("Explain Lightning").ToListAsync();
        var response = updates.ToChatResponse();

        Assert.Equal(FakeAnthropic.WorkAnswer, response.Text);
        Assert.Equal(FakeAnthropic.WorkUsage.Output, response.Usage?.OutputTokenCount);
        Assert.True(updates.Count(u => !string.IsNullOrEmpty(u.Text)) >= 2);
    }

    [Fact]
    public async Task A_paid_job_records_the_models_and_token_counts_claude_reports()
    {
        using var factory = Factory(("Agent:EvalModel", "claude-eval-test"));

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("complete", job.Str("state"));
        Assert.Equal(FakeAnthropic.WorkAnswer, job.Str("result"));
        var stored = await factory.WithDbAsync(db => Task.FromResult(db.Jobs.Single()));
        Assert.Equal(("claude-eval-test", FakeAnthropic.EvalUsage.Input, FakeAnthropic.EvalUsage.Output),
            (stored.EvalModel, stored.EvalInputTokens, stored.EvalOutputTokens));
        Assert.Equal(("claude-sonnet-4-6", FakeAnthropic.WorkUsage.Input, FakeAnthropic.WorkUsage.Output),
            (stored.WorkModel, stored.WorkInputTokens, stored.WorkOutputTokens));
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(500, "api_error")]
    public async Task A_provider_that_keeps_failing_fails_the_job_after_bounded_retries_then_recovers(int status, string errorType)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new TimmyFactory
        {
            Settings = new(Fake.TimmySettings()) { ["Jobs:WorkerScanMilliseconds"] = "50" },
            TestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        var client = factory.CreateClient();
        Fake.FailWith = status;
        var created = await client.CreateJobAsync("What is a satoshi?");
        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));

        // Each failed attempt (one call and one SDK retry, Agent:Anthropic:MaxRetries=1) leaves the job waiting out its
        // pause on the app's clock: Jobs:ModelRetryMilliseconds (50 in tests), doubling. Moved that far and no further,
        // the clock lets the next attempt start; a longer pause, or one on the wall clock, would leave the job waiting.
        foreach (var (requests, pause) in new[] { (2, TimeSpan.FromMilliseconds(50)), (4, TimeSpan.FromMilliseconds(100)) })
        {
            await Eventually.ReturnsAsync(
                () => factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync()),
                job => Fake.MessageRequests == requests && job.LeaseExpiresAt <= clock.GetUtcNow() + pause,
                TimeSpan.FromSeconds(30));
            clock.Advance(pause + TimeSpan.FromMilliseconds(1));
        }

        var failed = await client.PollUntilSettledAsync(created.Str("jobId"));

        Assert.Equal("failed", failed.Str("state"));
        Assert.StartsWith("The AI model could not complete the job (ref ", failed.Str("errorMessage"));
        Assert.DoesNotContain(errorType, failed.Str("errorMessage"));
        // Jobs:MaxAttempts (3) attempts of the eval.
        Assert.Equal(6, Fake.MessageRequests);

        Fake.FailWith = null;
        var recovered = await client.RunJobAsync("What is a satoshi?");

        Assert.Equal("complete", recovered.Str("state"));
    }

    [Fact]
    public async Task A_rejected_key_fails_the_job_without_showing_claudes_error()
    {
        using var factory = Factory(("Agent:Anthropic:ApiKey", "sk-ant-wrong"));

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", job.Str("state"));
        Assert.StartsWith("The AI model could not complete the job (ref ", job.Str("errorMessage"));
    }

    [Fact]
    public void Choosing_claude_without_an_api_key_refuses_to_start()
    {
        using var factory = Factory(("Agent:Anthropic:ApiKey", ""));

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Agent:Anthropic:ApiKey (ANTHROPIC_API_KEY)", error.ToString());
    }

    private TimmyFactory Factory(params (string Key, string? Value)[] overrides)
    {
        var settings = Fake.TimmySettings();
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return new TimmyFactory { Settings = settings };
    }
}
