using Timmy.Api.Agent;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>Many clients polling one paid job must cause exactly one eval call and one work call.</summary>
public sealed class ExactlyOnceTests : IDisposable
{
    private const int ConcurrentPolls = 100;
    private readonly TimmyFactory _factory = new()
    {
        TestServices = services =>
        {
            services.ReplaceChatClient(AgentKeys.Eval, inner => new CountingChatClient(inner));
            services.ReplaceChatClient(AgentKeys.Work, inner => new CountingChatClient(inner));
        },
    };

    [Fact]
    public async Task One_hundred_concurrent_polls_make_one_eval_call_and_one_work_call()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        var jobId = created.Str("jobId");

        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        var afterEval = await Task.WhenAll(Enumerable.Range(0, ConcurrentPolls).Select(_ => client.GetJobAsync(jobId)));

        var accepted = await client.PollUntilSettledAsync(jobId);
        Assert.Equal("awaiting_work_payment", accepted.Str("state"));
        Assert.All(afterEval, job => Assert.Contains(job.Str("state"), new[] { "awaiting_eval_payment", "evaluating", "awaiting_work_payment" }));

        await client.PayAsync(accepted.Str("workInvoice", "paymentHash"));
        await Task.WhenAll(Enumerable.Range(0, ConcurrentPolls).Select(_ => client.GetJobAsync(jobId)));

        Assert.Equal("complete", (await client.PollUntilSettledAsync(jobId)).Str("state"));
        Assert.Equal(1, EvalCalls());
        Assert.Equal(1, WorkCalls());
    }

    private int EvalCalls() => _factory.Services.GetKeyedCount(AgentKeys.Eval);

    private int WorkCalls() => _factory.Services.GetKeyedCount(AgentKeys.Work);

    public void Dispose() => _factory.Dispose();
}

internal static class CountingLookup
{
    public static int GetKeyedCount(this IServiceProvider services, string key) =>
        ((CountingChatClient)Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions
            .GetRequiredKeyedService<Microsoft.Extensions.AI.IChatClient>(services, key)).Calls;
}
