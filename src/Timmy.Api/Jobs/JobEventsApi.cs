using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Errors;
using Timmy.Api.Payments;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Timmy.Api.Jobs;

/// <summary>How often the events stream looks at a job, and how long one stream may stay open.</summary>
public sealed class JobEventsOptions
{
    public const string Section = "JobEvents";

    public int PollIntervalMs { get; set; } = 500;

    /// <summary>After this the stream ends; an EventSource reconnects by itself and gets the current state first.</summary>
    public int MaxDurationSeconds { get; set; } = 600;
}

/// <summary>
/// <c>GET /api/jobs/{id}/events</c>: a Server-Sent Events stream of the job as it changes. It polls the job
/// through <see cref="JobAdvancer"/> (which also notices payments), so it reports whatever state the job is in,
/// whoever moved it.
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
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream");
    }

    private static async Task<Results<ServerSentEventsResult<string>, NotFound<ApiError>>> StreamJobEventsAsync(
        string id, JobAdvancer advancer, IServiceScopeFactory scopes, IOptions<JobEventsOptions> options, IOptions<JsonOptions> json,
        HttpContext http, CancellationToken cancellationToken)
    {
        // Checked before the stream starts, so an unknown job is a plain JSON 404 rather than an empty stream.
        if (!Guid.TryParse(id, out var jobId) || await advancer.AdvanceAsync(jobId, cancellationToken) is null)
        {
            return ApiErrors.NotFound(JobsApi.JobNotFound);
        }

        http.Response.Headers.CacheControl = "no-cache";
        // Tells a buffering reverse proxy (nginx) to pass each event on at once.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var events = ChangesAsync(jobId, scopes, options.Value, json.Value.SerializerOptions, cancellationToken);
        return TypedResults.ServerSentEvents(events);
    }

    private static async IAsyncEnumerable<SseItem<string>> ChangesAsync(
        Guid jobId, IServiceScopeFactory scopes, JobEventsOptions options, JsonSerializerOptions json,
        [EnumeratorCancellation] CancellationToken requestAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.MaxDurationSeconds));
        var interval = TimeSpan.FromMilliseconds(options.PollIntervalMs);
        string? last = null;
        while (!deadline.IsCancellationRequested)
        {
            var job = await SnapshotAsync(jobId, scopes, deadline.Token);
            if (job is null)
            {
                yield break;
            }

            var serialized = JsonSerializer.Serialize(job, json);
            if (serialized != last)
            {
                last = serialized;
                yield return new SseItem<string>(serialized, EventType);
            }

            if (IsFinal(job.State) || !await DelayAsync(interval, deadline.Token))
            {
                yield break;
            }
        }
    }

    /// <summary>One look at the job in a fresh scope, so each poll gets its own DbContext; null when gone or cancelled.</summary>
    private static async Task<JobStatusResponse?> SnapshotAsync(Guid jobId, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var advancer = scope.ServiceProvider.GetRequiredService<JobAdvancer>();
        var payments = scope.ServiceProvider.GetRequiredService<IPaymentBackend>();
        try
        {
            var job = await advancer.AdvanceAsync(jobId, cancellationToken);
            return job is null ? null : JobStatusResponse.From(job, payments.IsSimulated);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static bool IsFinal(JobState state) => state is JobState.Complete or JobState.Rejected or JobState.Failed;
}
