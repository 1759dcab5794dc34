using System.IO.Hashing;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Payments;
using Timmy.Api.Web.OpenApi;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Timmy.Api.Jobs;

/// <summary>How often the events stream looks at a job, and how long one stream may stay open.</summary>
public sealed class JobEventsOptions
{
    public const string Section = "JobEvents";

    /// <summary>
    /// Moves made by this instance are pushed at once; this is how often <see cref="JobChanges"/> looks for
    /// moves made by other instances. With the invoice watcher off, each stream also looks this often itself,
    /// since then nothing else notices payments.
    /// </summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>After this the stream ends; an EventSource reconnects by itself and gets the current state first.</summary>
    public int MaxDurationSeconds { get; set; } = 600;
}

/// <summary>
/// <c>GET /api/jobs/{id}/events</c>: a Server-Sent Events stream of the job as it changes. It looks at the job
/// through <see cref="JobAdvancer"/> (which also notices payments) whenever it is told the job moved (see
/// <see cref="JobChanges"/>), so it reports whatever state the job is in, whoever moved it.
/// </summary>
public static class JobEventsApi
{
    public const string EventType = "job";

    public static void MapJobEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/jobs/{id}/events", StreamJobEventsAsync)
            .WithTags("jobs")
            .WithName("streamJobEvents")
            .WithSummary("Stream job state changes")
            .WithDescription("Server-Sent Events: the current job (a JobStatusResponse) as the first 'job' event, then one per change. " +
                "The stream ends when the job is complete, rejected or failed.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesErrors(429)
            .RequireStreamPermit();
    }

    private static async Task<Results<EventStream, NotFound<ApiError>>> StreamJobEventsAsync(
        string id, JobChanges changes, JobReads reads, IServiceScopeFactory scopes, IOptions<JobEventsOptions> options,
        IOptions<LightningOptions> lightning, IOptions<JsonOptions> json, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
        {
            return ApiErrors.NotFound(JobsApi.JobNotFound);
        }

        // Followed before the first look, so a move in between is not missed; forgotten when the request ends.
        var watch = changes.Follow(jobId);
        http.Response.RegisterForDispose(watch);
        // Looked at before the stream starts, so an unknown job is a plain JSON 404 rather than an empty stream. A
        // stream may stay open for minutes, so it borrows a database context only for each look, in its own scope.
        Job? first;
        await using (var scope = scopes.CreateAsyncScope())
        {
            first = await scope.ServiceProvider.GetRequiredService<JobAdvancer>().AdvanceAsync(jobId, cancellationToken);
        }

        return first is null
            ? ApiErrors.NotFound(JobsApi.JobNotFound)
            : new EventStream(first, watch, reads, scopes, options.Value, lightning.Value, json.Value.SerializerOptions);
    }

    /// <summary>
    /// One client's stream: it shows the job, then waits to be told of a change before it looks again. Between looks
    /// it keeps only a hash of what it last sent, and writes events straight into the response: thousands may be open.
    /// </summary>
    private sealed class EventStream(
        Job first, JobChanges.Watch watch, JobReads reads, IServiceScopeFactory scopes, JobEventsOptions options,
        LightningOptions lightning, JsonSerializerOptions serializerOptions) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var requestAborted = http.RequestAborted;
            Shown? next = Render(first);
            first = null!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            deadline.CancelAfter(TimeSpan.FromSeconds(options.MaxDurationSeconds));
            // Payments move jobs through the watcher, which publishes; without it the stream must look for them itself.
            var ownLooks = lightning.ShouldWatchInvoices ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(options.PollIntervalMs);
            ulong? last = null;
            try
            {
                var events = await ServerSentEventWriter.StartAsync(http.Response, requestAborted);
                while (next is not null)
                {
                    if (next.Hash != last)
                    {
                        last = next.Hash;
                        await events.WriteAsync(EventType, next.Json, deadline.Token);
                    }

                    if (next.IsFinal)
                    {
                        return;
                    }

                    next = null;
                    await watch.WaitAsync(ownLooks, deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (deadline.IsCancellationRequested)
                    {
                        return;
                    }

                    next = await LookAsync(deadline.Token);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // The client left, or the stream's time is up: an EventSource reconnects by itself.
            }
        }

        private Shown Render(Job job)
        {
            watch.SeenUpdate = job.UpdatedAt.UtcTicks;
            var json = JsonSerializer.SerializeToUtf8Bytes(JobStatusResponse.From(job, lightning.IsStub), serializerOptions);
            return new Shown(json, XxHash64.HashToUInt64(json), IsFinal(job.State));
        }

        private sealed record Shown(byte[] Json, ulong Hash, bool IsFinal);

        /// <summary>
        /// One look at the job, rendered; null when gone or cancelled. With the watcher on it only reads (with the looks
        /// of other streams); otherwise it also asks the node about payments, in a fresh scope (its own DbContext).
        /// </summary>
        private async Task<Shown?> LookAsync(CancellationToken cancellationToken)
        {
            try
            {
                var job = lightning.ShouldWatchInvoices ? await reads.ReadAsync(watch.JobId, cancellationToken) : await AdvanceAsync(cancellationToken);
                return job is null ? null : Render(job);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        private async Task<Job?> AdvanceAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<JobAdvancer>().AdvanceAsync(watch.JobId, cancellationToken);
        }
    }

    public static bool IsFinal(JobState state) => state is JobState.Complete or JobState.Rejected or JobState.Failed;
}
