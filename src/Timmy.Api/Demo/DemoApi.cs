using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Jobs;
using Timmy.Api.Observability;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Demo;

/// <summary>
/// The free demo: runs the work model directly, limited per client (see <see cref="ClientKey"/>) and for all clients
/// together (<see cref="DemoOptions.GlobalRequestsPerWindow"/>). Every answer (200, 400, 429, 500)
/// carries the X-RateLimit-* headers; only requests that reach the model use up the allowance.
/// </summary>
public static partial class DemoApi
{
    public const string MissingRequest = "Missing required query param: request";

    public static RouteGroupBuilder MapDemoApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/demo").WithTags("demo");
        group.MapGet("", RunDemoAsync).WithName("runDemo").WithSummary("Free demo (rate-limited)")
            .WithQueryParameter("request", "What to ask the work model")
            .Produces<DemoResponse>()
            .ProducesErrors(400, 429, 500)
            .WithRateLimitHeaders();
        return group;
    }

    private static async Task<Results<Ok<DemoResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> RunDemoAsync(
        HttpContext http,
        IDemoRateLimiter limiter,
        IJobAgent agent,
        IOptions<JobOptions> jobOptions,
        IOptions<DemoOptions> demoOptions,
        ILoggerFactory loggers,
        TimeProvider clock,
        TimmyMetrics metrics,
        PublicFailures failures,
        CancellationToken cancellationToken)
    {
        var client = ClientKey.For(http);
        var request = http.Request.Query["request"];
        var error = request.Count == 0 || string.IsNullOrEmpty(request[0])
            ? MissingRequest
            : request.Count > 1
                ? "Invalid request: give the 'request' query param once"
                : TextInput.Validate(request[0]!, "request", jobOptions.Value.MaxRequestChars);
        if (error is not null)
        {
            WriteHeaders(http.Response, await limiter.PeekAsync(client, cancellationToken));
            return ApiErrors.BadRequest(error);
        }

        var decision = await limiter.TryAcquireAsync(client, cancellationToken);
        WriteHeaders(http.Response, decision);
        if (!decision.Allowed)
        {
            metrics.RateLimited();
            var retryAfter = Math.Max(1, (long)Math.Ceiling((decision.ResetAt - clock.GetUtcNow()).TotalSeconds));
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return ApiErrors.Status(StatusCodes.Status429TooManyRequests, RefusalMessage(decision, demoOptions.Value));
        }

        try
        {
            var output = await agent.WorkAsync(request[0]!, cancellationToken);
            return TypedResults.Ok(new DemoResponse(output.Text));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Handled here, not by the global handler, so the rate-limit headers survive on the 500.
            LogDemoFailed(loggers.CreateLogger(typeof(DemoApi)), ex);
            var message = ex is AgentException own && own.IsInTimmysWords()
                ? $"Demo failed: {own.Message}"
                : failures.Describe(ex is AgentException ? "Demo failed: the AI model could not answer" : "Demo failed: internal server error", ex);
            return ApiErrors.Status(StatusCodes.Status500InternalServerError, message);
        }
    }

    private static string RefusalMessage(RateLimitDecision decision, DemoOptions options)
    {
        var after = $"Try again after {decision.ResetAt.UtcDateTime:O}";
        return decision.Refusal switch
        {
            DemoRefusal.Global => $"Rate limit exceeded: the demo's shared allowance of {Requests(options.GlobalRequestsPerWindow)} " +
                $"{options.WindowInWords} is used up. {after}",
            DemoRefusal.TooManyClients => $"Rate limit exceeded: the demo is serving as many clients as it can right now. {after}",
            _ => $"Rate limit exceeded: {Requests(decision.Limit, "demo ")} {options.WindowInWords} per client. {after}",
        };
    }

    private static string Requests(long count, string kind = "") => $"{count} {kind}{(count == 1 ? "request" : "requests")}";

    private static void WriteHeaders(HttpResponse response, RateLimitDecision decision)
    {
        response.Headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = decision.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(LogLevel.Error, "Demo request failed")]
    private static partial void LogDemoFailed(ILogger logger, Exception ex);
}
