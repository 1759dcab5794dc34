using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Errors;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>
/// Does the paid-for work of one job that a <see cref="JobWorker"/> has leased: the eval (then rejected, or
/// a priced work invoice) or the work (then complete, with its cost ledger). Every outcome is a conditional
/// move out of the leased state; an error from the agent or the Lightning backend moves the job to failed.
/// It borrows a database context or a node client only for the moment it needs one, never across a model
/// call, so thousands of jobs waiting on the model hold no pooled resources.
/// </summary>
public sealed partial class JobProcessor(
    IServiceScopeFactory scopes,
    JobReads reads,
    JobTransitions transitions,
    IJobAgent agent,
    WorkFeeCalculator fees,
    IOptions<JobOptions> options,
    TimeProvider clock,
    PublicFailures failures,
    ILogger<JobProcessor> logger)
{
    public async Task ProcessAsync(JobLease lease, CancellationToken cancellationToken)
    {
        var (jobId, attempt) = (lease.JobId, lease.Attempt);
        // Only what the work needs is kept across the model call, not the job with its invoices: thousands may wait at once.
        var job = await reads.ReadAsync(jobId, cancellationToken) is { State: JobState.Evaluating or JobState.Executing } read
            ? Assignment.Of(read)
            : null;
        if (job is null)
        {
            return;
        }

        if (attempt > options.Value.MaxAttempts)
        {
            // Workers kept dying on this job (crashes, not model errors, which fail at once): stop and owe the money back.
            await FailAsync(job.JobId, job.State, job.WorkPaidSats, new AgentException($"Gave up after {options.Value.MaxAttempts} interrupted attempts"), cancellationToken);
            return;
        }

        // A transient model failure is retried while attempts remain; on the last attempt it fails the job like any other.
        var mayRetry = attempt < options.Value.MaxAttempts;
        try
        {
            if (job.State == JobState.Evaluating)
            {
                await EvaluateAsync(job, mayRetry, cancellationToken);
            }
            else
            {
                await ExecuteAsync(job, mayRetry, cancellationToken);
            }
        }
        catch (AgentException ex) when (mayRetry && ex.IsTransient)
        {
            // The provider is having a bad moment: the job stays paid and leased, and is tried again after a pause.
            var pause = TimeSpan.FromMilliseconds(options.Value.ModelRetryMilliseconds * Math.Pow(2, attempt - 1));
            LogModelRetry(ex, job.JobId, attempt, pause);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().DeferAsync(lease, job.State, clock.GetUtcNow() + pause, CancellationToken.None);
        }
    }

    private async Task EvaluateAsync(Assignment job, bool mayRetry, CancellationToken cancellationToken)
    {
        try
        {
            var evaluation = await agent.EvaluateAsync(job.Request, cancellationToken);
            var usage = evaluation.Usage;
            if (!evaluation.Accepted)
            {
                await transitions.TryMoveAsync(job.JobId, Job.Reject(evaluation.Reason, usage), cancellationToken);
                return;
            }

            var quote = await fees.QuoteAsync(job.Request, cancellationToken);
            CreatedInvoice created;
            await using (var scope = scopes.CreateAsyncScope())
            {
                created = await scope.ServiceProvider.GetRequiredService<IPaymentBackend>().CreateInvoiceAsync(
                    new InvoiceRequest(quote.AmountSats, "Timmy work fee", options.Value.InvoiceExpiry), cancellationToken);
            }

            var workInvoice = new Invoice
            {
                Id = Guid.NewGuid(),
                JobId = job.JobId,
                Kind = InvoiceKind.JobWork,
                PaymentHash = created.PaymentHash,
                PaymentRequest = created.PaymentRequest,
                AmountSats = quote.AmountSats,
                CreatedAt = clock.GetUtcNow(),
            };
            await transitions.TryMoveWithInvoiceAsync(job.JobId, Job.Accept(usage, quote), workInvoice, cancellationToken);
        }
        catch (Exception ex) when (FailsTheJob(ex, mayRetry))
        {
            await FailAsync(job.JobId, JobState.Evaluating, workPaidSats: 0, ex, cancellationToken);
        }
    }

    private async Task ExecuteAsync(Assignment job, bool mayRetry, CancellationToken cancellationToken)
    {
        try
        {
            // The quote priced this many output tokens: the model may write no more, so the job costs no more than was paid.
            var output = await agent.WorkAsync(job.Request, job.Quote!.EstimatedOutputTokens, cancellationToken);
            var usage = output.Usage;
            var settlement = CostAccounting.Settle(job.Quote!, job.WorkPaidSats, usage.InputTokens, usage.OutputTokens);
            await transitions.TryMoveAsync(job.JobId, Job.Complete(output.Text, usage, settlement), cancellationToken);
        }
        catch (Exception ex) when (FailsTheJob(ex, mayRetry))
        {
            await FailAsync(job.JobId, JobState.Executing, job.WorkPaidSats, ex, cancellationToken);
        }
    }

    private async Task FailAsync(Guid jobId, JobState from, long workPaidSats, Exception ex, CancellationToken cancellationToken)
    {
        // The provider's or node's own words stay in the log, under the reference the client is given.
        var message = ex is AgentException agent && agent.IsInTimmysWords()
            ? agent.Message
            : failures.Describe(ex switch
            {
                AgentException => "The AI model could not complete the job",
                PaymentBackendException => "The Lightning node could not issue the job's invoice",
                _ => "Internal error while processing the job",
            }, ex);
        LogJobFailed(ex, jobId, from.ToWireName());
        await transitions.TryMoveAsync(jobId, Job.Fail(from, message, workPaidSats), cancellationToken);
    }

    /// <summary>Any failure of the work fails the job, except a cancellation and a transient model failure that may be retried.</summary>
    private static bool FailsTheJob(Exception ex, bool mayRetry) =>
        ex is not OperationCanceledException && !(mayRetry && ex is AgentException { IsTransient: true });

    /// <summary>What working on a leased job needs: its request, and in executing what was paid and quoted.</summary>
    private sealed record Assignment(Guid JobId, JobState State, string Request, long WorkPaidSats, WorkQuote? Quote)
    {
        public static Assignment Of(Job job) => job.State == JobState.Executing
            ? new(job.Id, job.State, job.Request, job.WorkInvoice!.AmountSats, job.Quote)
            : new(job.Id, job.State, job.Request, WorkPaidSats: 0, Quote: null);
    }

    [LoggerMessage(LogLevel.Warning, "The model failed transiently on job {JobId} (attempt {Attempt}); trying again in {Pause}")]
    private partial void LogModelRetry(Exception ex, Guid jobId, int attempt, TimeSpan pause);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed while {State}")]
    private partial void LogJobFailed(Exception ex, Guid jobId, string state);
}
