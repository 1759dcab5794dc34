using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

public static class JobsApi
{
    public const string RequestRequired = "Invalid request: 'request' string is required";
    public const string JobNotFound = "Job not found";

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/jobs").WithTags("jobs");
        group.MapPost("/", CreateJobAsync).WithName("createJob");
        group.MapGet("/{id}", GetJobAsync).WithName("getJob");
        return group;
    }

    private static async Task<Results<Created<CreateJobResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> CreateJobAsync(
        HttpRequest http,
        TimmyDbContext db,
        IPaymentBackend payments,
        IOptions<JobOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        if (!body.IsValid)
        {
            return ApiErrors.BadRequest(body.Error!);
        }

        var request = TextInput.ReadRequiredString(body.Value, "request", RequestRequired, out var error);
        error ??= TextInput.Validate(request!, "request", options.Value.MaxRequestChars);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var jobId = Guid.NewGuid();
        var evalFee = options.Value.EvalFeeSats;
        CreatedInvoice created;
        try
        {
            created = await payments.CreateInvoiceAsync(
                new InvoiceRequest(evalFee, $"Timmy eval fee for job {jobId}", options.Value.InvoiceExpiry), cancellationToken);
        }
        catch (PaymentBackendException ex)
        {
            return ApiErrors.ServiceUnavailable($"Lightning backend unavailable: {ex.Message}");
        }

        var now = clock.GetUtcNow();
        var invoice = new Invoice
        {
            Id = Guid.NewGuid(),
            JobId = jobId,
            Kind = InvoiceKind.JobEval,
            PaymentHash = created.PaymentHash,
            PaymentRequest = created.PaymentRequest,
            AmountSats = evalFee,
            CreatedAt = now,
        };
        // One SaveChanges is one transaction: the job never exists without its invoice.
        db.Jobs.Add(new Job
        {
            Id = jobId,
            Request = request!,
            State = JobState.AwaitingEvalPayment,
            CreatedAt = now,
            UpdatedAt = now,
            Invoices = [invoice],
        });
        await db.SaveChangesAsync(cancellationToken);

        var response = new CreateJobResponse(jobId.ToString(), now.UtcDateTime, InvoiceInfo.From(invoice, payments.IsSimulated));
        return TypedResults.Created($"/api/jobs/{jobId}", response);
    }

    private static async Task<Results<Ok<JobStatusResponse>, NotFound<ApiError>>> GetJobAsync(
        string id, JobAdvancer advancer, IPaymentBackend payments, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var jobId))
        {
            return ApiErrors.NotFound(JobNotFound);
        }

        var job = await advancer.AdvanceAsync(jobId, cancellationToken);
        return job is null
            ? ApiErrors.NotFound(JobNotFound)
            : TypedResults.Ok(JobStatusResponse.From(job, payments.IsSimulated));
    }
}
