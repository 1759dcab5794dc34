using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Data;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;

namespace Timmy.Api.Jobs;

/// <summary>
/// Moves a job forward when one of its invoices turns out to be paid: awaiting eval payment, then
/// evaluating, then rejected or awaiting work payment, then executing, then complete. Whoever wins a
/// move (see <see cref="JobTransitions"/>) makes the model call; everyone else just reads.
/// </summary>
public sealed partial class JobAdvancer(
    TimmyDbContext db,
    JobTransitions transitions,
    IPaymentBackend payments,
    IJobAgent agent,
    WorkFeeCalculator fees,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<JobAdvancer> logger)
{
    public async Task<Job?> AdvanceAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await LoadAsync(jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        // Once a move is won, the model call must finish even if the polling client goes away.
        var work = CancellationToken.None;
        switch (job.State)
        {
            case JobState.AwaitingEvalPayment when await PaidAtAsync(job.EvalInvoice!, cancellationToken) is { } paidAt:
                if (await transitions.TryMoveOnPaymentAsync(job.Id, job.EvalInvoice!.Id, paidAt, JobState.AwaitingEvalPayment, JobState.Evaluating, work))
                {
                    await EvaluateAsync(job, work);
                }

                break;

            case JobState.AwaitingWorkPayment when await PaidAtAsync(job.WorkInvoice!, cancellationToken) is { } paidAt:
                if (await transitions.TryMoveOnPaymentAsync(job.Id, job.WorkInvoice!.Id, paidAt, JobState.AwaitingWorkPayment, JobState.Executing, work))
                {
                    await ExecuteAsync(job, work);
                }

                break;
        }

        return await LoadAsync(jobId, cancellationToken);
    }

    private Task<Job?> LoadAsync(Guid jobId, CancellationToken cancellationToken) =>
        db.Jobs.AsNoTracking().Include(j => j.Invoices).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);

    /// <summary>When the invoice was paid, asking the node if we have not seen it yet; null while unpaid.</summary>
    private async Task<DateTimeOffset?> PaidAtAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (invoice.PaidAt is { } known)
        {
            return known;
        }

        try
        {
            var status = await payments.GetInvoiceStatusAsync(invoice.PaymentHash, cancellationToken);
            if (status is null)
            {
                LogUnknownInvoice(invoice.PaymentHash);
            }

            return status is { IsPaid: true } ? status.PaidAt ?? clock.GetUtcNow() : null;
        }
        catch (PaymentBackendException ex)
        {
            // Not knowing is not the same as unpaid-forever: leave the job as it is and check on the next poll.
            LogStatusCheckFailed(ex, invoice.PaymentHash);
            return null;
        }
    }

    private async Task EvaluateAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            var evaluation = await agent.EvaluateAsync(job.Request, cancellationToken);
            var usage = evaluation.Usage;
            if (!evaluation.Accepted)
            {
                await transitions.TryMoveAsync(job.Id, JobState.Evaluating, JobState.Rejected, set => set
                    .SetProperty(j => j.Reason, evaluation.Reason)
                    .SetEvalUsage(usage), cancellationToken);
                return;
            }

            var quote = await fees.QuoteAsync(job.Request, cancellationToken);
            var created = await payments.CreateInvoiceAsync(
                new InvoiceRequest(quote.AmountSats, $"Timmy work fee for job {job.Id}", options.Value.InvoiceExpiry), cancellationToken);

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Invoices.Add(new Invoice
            {
                Id = Guid.NewGuid(),
                JobId = job.Id,
                Kind = InvoiceKind.JobWork,
                PaymentHash = created.PaymentHash,
                PaymentRequest = created.PaymentRequest,
                AmountSats = quote.AmountSats,
                CreatedAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(cancellationToken);
            var moved = await transitions.TryMoveAsync(
                job.Id, JobState.Evaluating, JobState.AwaitingWorkPayment, set => set.SetEvalUsage(usage).SetQuote(quote), cancellationToken);
            if (moved)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(job.Id, JobState.Evaluating, workPaidSats: 0, ex, cancellationToken);
        }
    }

    private async Task ExecuteAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            var output = await agent.WorkAsync(job.Request, cancellationToken);
            var usage = output.Usage;
            var settlement = CostAccounting.Settle(job.Quote!, job.WorkInvoice!.AmountSats, usage.InputTokens, usage.OutputTokens);
            await transitions.TryMoveAsync(job.Id, JobState.Executing, JobState.Complete, set => set
                .SetProperty(j => j.Result, output.Text)
                .SetWorkUsage(usage)
                .SetSettlement(settlement), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(job.Id, JobState.Executing, job.WorkInvoice!.AmountSats, ex, cancellationToken);
        }
    }

    private async Task FailAsync(Guid jobId, JobState from, long workPaidSats, Exception ex, CancellationToken cancellationToken)
    {
        // Agent and Lightning errors are the client's business; anything else is ours, so say less.
        var message = ex is AgentException or PaymentBackendException
            ? ex.Message
            : "Internal error while processing the job";
        LogJobFailed(ex, jobId, from.ToWireName());
        db.ChangeTracker.Clear();
        await transitions.TryMoveAsync(jobId, from, JobState.Failed, set =>
        {
            set.SetProperty(j => j.ErrorMessage, message);
            if (workPaidSats > 0)
            {
                // The client paid for work it did not get: all of it is owed back, through the refund path.
                set.SetProperty(j => j.ActualAmountSats, 0L);
                set.SetProperty(j => j.RefundAmountSats, workPaidSats);
                set.SetProperty(j => j.RefundState, RefundState.Pending);
            }
        }, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "The Lightning backend does not know invoice {PaymentHash}")]
    private partial void LogUnknownInvoice(string paymentHash);

    [LoggerMessage(LogLevel.Warning, "Could not check invoice {PaymentHash}; will retry on the next poll")]
    private partial void LogStatusCheckFailed(Exception ex, string paymentHash);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed while {State}")]
    private partial void LogJobFailed(Exception ex, Guid jobId, string state);
}
