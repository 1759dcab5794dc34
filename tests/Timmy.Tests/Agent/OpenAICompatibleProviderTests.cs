using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Agent;

/// <summary>A local model server (Ollama, llama.cpp, vLLM) through Microsoft.Extensions.AI.OpenAI.</summary>
public sealed class OpenAICompatibleProviderTests : FakeServerTests<FakeOllama>
{
    [Fact]
    public async Task A_paid_job_is_done_by_the_configured_local_models_with_their_token_counts()
    {
        using var factory = new TimmyFactory { Settings = Fake.TimmySettings() };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("complete", job.Str("state"));
        Assert.Equal(FakeOllama.WorkAnswer, job.Str("result"));
        Assert.Equal("qwen2.5:7b", Fake.LastModel);
        var stored = await factory.WithDbAsync(db => Task.FromResult(db.Jobs.Single()));
        Assert.Equal((FakeOllama.Usage.Prompt, FakeOllama.Usage.Completion), (stored.WorkInputTokens, stored.WorkOutputTokens));
    }

    [Theory]
    [InlineData(Fault.ServerError)]
    [InlineData(Fault.DropConnection)]
    [InlineData(Fault.Slow)]
    public async Task A_local_server_that_keeps_failing_fails_the_job_once_its_attempts_are_spent(Fault fault)
    {
        Fake.SlowDelay = TimeSpan.FromSeconds(10);
        using var factory = new TimmyFactory { Settings = Fake.TimmySettings() };
        var client = factory.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");
        Fake.Fault = fault;

        var job = await client.PayEvalAsync(created);

        Assert.Equal("failed", job.Str("state"));
        // The server's own words stay in the log (see PublicFailureTests).
        Assert.StartsWith("The AI model could not complete the job (ref ", job.Str("errorMessage"));
        // Each of Jobs:MaxAttempts (3) attempts is one call that the client retries once.
        Assert.Equal(6, Fake.Requests);
    }
}
