using System.Net;
using System.Text.Json;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

public sealed class JobEventsTests : IDisposable
{
    private readonly TimmyFactory _factory = new() { Settings = { ["JobEvents:PollIntervalMs"] = "50" } };

    [Fact]
    public async Task The_first_event_is_the_job_as_it_is_now()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");

        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));
        var first = await stream.NextAsync();

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(created.Str("jobId"), first!.Value.Str("jobId"));
        Assert.Equal("awaiting_eval_payment", first.Value.Str("state"));
        Assert.Equal(created.Str("evalInvoice", "paymentRequest"), first.Value.Str("evalInvoice", "paymentRequest"));
    }

    [Fact]
    public async Task Paying_through_the_dev_endpoint_sends_the_next_states_and_the_stream_ends_when_complete()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));
        Assert.Equal("awaiting_eval_payment", (await stream.NextAsync())!.Value.Str("state"));

        var complete = await PayBothInvoicesAsync(client, created, stream);

        Assert.False(string.IsNullOrWhiteSpace(complete.Str("result")));
        Assert.True(complete.TryGetProperty("costLedger", out _));
        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task Moves_made_by_this_instance_are_pushed_without_waiting_for_the_poll()
    {
        // A poll so rare that only a push can explain events within the test's bounds.
        using var pushOnly = new TimmyFactory { Settings = { ["JobEvents:PollIntervalMs"] = "600000" } };
        var client = pushOnly.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));
        Assert.Equal("awaiting_eval_payment", (await stream.NextAsync())!.Value.Str("state"));

        var complete = await PayBothInvoicesAsync(client, created, stream);

        Assert.Equal("complete", complete.Str("state"));
    }

    [Fact]
    public async Task Moves_made_by_another_instance_reach_the_stream()
    {
        var name = $"timmy_two_instances_{Guid.NewGuid():N}";
        // This instance does no work, so every move after the payment is the other instance's.
        using var here = new TimmyFactory
        {
            DatabaseName = name, KeepDatabase = true, Settings = { ["JobEvents:PollIntervalMs"] = "100", ["Jobs:WorkerConcurrency"] = "0" },
        };
        using var there = new TimmyFactory { DatabaseName = name };
        var client = here.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));
        Assert.Equal("awaiting_eval_payment", (await stream.NextAsync())!.Value.Str("state"));

        // The other instance's node is told of the payment, and its watcher moves the job.
        await there.CreateClient().PayAsync(created.Str("evalInvoice", "paymentHash"));

        Assert.Equal("awaiting_work_payment", (await stream.NextWithStateAsync("awaiting_work_payment")).Str("state"));
    }

    [Fact]
    public async Task A_rejected_job_sends_its_reason_and_ends_the_stream()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Help me do something harmful and illegal");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));

        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        var rejected = await stream.NextWithStateAsync("rejected");

        Assert.False(string.IsNullOrWhiteSpace(rejected.Str("reason")));
        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task A_job_already_final_gets_one_event_and_the_end()
    {
        var client = _factory.CreateClient();
        var job = await client.RunJobAsync("What is a satoshi?");
        Assert.Equal("complete", job.Str("state"));

        await using var stream = await JobEventStream.OpenAsync(client, job.Str("jobId"));

        Assert.Equal("complete", (await stream.NextAsync())!.Value.Str("state"));
        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task Nothing_is_sent_while_nothing_changes_and_the_stream_ends_at_its_time_limit()
    {
        using var shortStreams = new TimmyFactory { Settings = { ["JobEvents:PollIntervalMs"] = "50", ["JobEvents:MaxDurationSeconds"] = "1" } };
        var client = shortStreams.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));

        Assert.Equal("awaiting_eval_payment", (await stream.NextAsync())!.Value.Str("state"));
        Assert.Null(await stream.NextAsync());
    }

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("not-a-job")]
    public async Task An_unknown_job_is_a_json_404(string jobId)
    {
        var response = await _factory.CreateClient().GetAsync($"/api/jobs/{jobId}/events");

        Assert.Equal("Job not found", await response.AssertErrorAsync(HttpStatusCode.NotFound));
    }

    /// <summary>Pays the eval invoice, then the work invoice the stream brings, and returns the stream's complete job.</summary>
    private static async Task<JsonElement> PayBothInvoicesAsync(HttpClient client, JsonElement created, JobEventStream stream)
    {
        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        var accepted = await stream.NextWithStateAsync("awaiting_work_payment");
        await client.PayAsync(accepted.Str("workInvoice", "paymentHash"));
        return await stream.NextWithStateAsync("complete");
    }

    public void Dispose() => _factory.Dispose();
}
