using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Payments;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Jobs;

public static class JobsApi
{
    public const string RequestRequired = "Invalid request: 'request' string is required";
    public const string JobNotFound = "Job not found";

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/jobs").WithTags("jobs");
        group.MapPost("/", CreateJobAsync).WithName("createJob").WithSummary("Create a new agent job")
            .WithJsonRequestBody<CreateJobRequest>().ProducesErrors(429, 500, 503)
            .RequireRateLimiting(ClientLimits.CreationPolicy);
        group.MapGet("/{id}", GetJobAsync).WithName("getJob").WithSummary("Get job status")
            .ProducesErrors(500);
        group.MapPost("/{id}/refund", ClaimRefundAsync).WithName("claimRefund").WithSummary("Claim a refund for overpayment")
            .WithJsonRequestBody<ClaimRefundRequest>().ProducesErrors(500);
        return group;
    }

    private static async Task<Results<Created<CreateJobResponse>, BadRequest<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> CreateJobAsync(
        HttpRequest http, JobIntake intake, IPaymentBackend payments, IOptions<JobOptions> options, CancellationToken cancellationToken)
    {
        var (request, error) = await TextInput.ReadFieldAsync(http, "request", RequestRequired, options.Value.MaxRequestChars, cancellationToken);
        var (key, keyError) = IdempotencyKey.From(http.Headers);
        error ??= keyError;
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var outcome = await intake.CreateAsync(request!, key, cancellationToken);
        if (outcome.Job is not { } job)
        {
            return outcome.Status == IntakeStatus.KeyReused ? ApiErrors.Conflict(outcome.Error!) : ApiErrors.ServiceUnavailable(outcome.Error!);
        }

        if (outcome.Status == IntakeStatus.Replayed)
        {
            http.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        var response = new CreateJobResponse(job.Id.ToString(), job.CreatedAt.UtcDateTime, InvoiceInfo.From(job.EvalInvoice!, payments.IsSimulated));
        return TypedResults.Created($"/api/jobs/{job.Id}", response);
    }

    private static async Task<Results<Ok<JobStatusResponse>, NotFound<ApiError>>> GetJobAsync(
        string id, JobAdvancer advancer, FinishedJobCache finished, IPaymentBackend payments, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
        {
            return ApiErrors.NotFound(JobNotFound);
        }

        if (finished.TryGet(jobId, out var cached))
        {
            return TypedResults.Ok(cached!);
        }

        var job = await advancer.AdvanceAsync(jobId, cancellationToken);
        if (job is null)
        {
            return ApiErrors.NotFound(JobNotFound);
        }

        var response = JobStatusResponse.From(job, payments.IsSimulated);
        finished.Remember(response);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ClaimRefundResponse>, Accepted<ClaimRefundResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> ClaimRefundAsync(
        string id, HttpRequest http, RefundClaims refunds, CancellationToken cancellationToken)
    {
        var (invoice, error) = await PayoutInvoices.ReadBodyAsync(http, cancellationToken);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        if (!Guid.TryParse(id, out var jobId))
        {
            return ApiErrors.NotFound(JobNotFound);
        }

        var outcome = await refunds.ClaimAsync(jobId, invoice!, cancellationToken);
        return outcome.Status switch
        {
            RefundClaimStatus.Paid => TypedResults.Ok(new ClaimRefundResponse(true, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            // Sent, not yet confirmed: the job's refund stays pending until the node says how the payment ended.
            RefundClaimStatus.PaymentInFlight => TypedResults.Accepted((string?)null, new ClaimRefundResponse(false, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            RefundClaimStatus.JobNotFound => ApiErrors.NotFound(outcome.Message),
            RefundClaimStatus.NotRefundable => ApiErrors.Conflict(outcome.Message),
            RefundClaimStatus.InvalidInvoice => ApiErrors.BadRequest(outcome.Message),
            _ => ApiErrors.Status(StatusCodes.Status500InternalServerError, outcome.Message),
        };
    }
}
