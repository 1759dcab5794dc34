namespace Timmy.Bench;

/// <summary>How a client learns that its job has moved on.</summary>
public enum WaitMode
{
    /// <summary>GET /api/jobs/{id} every poll interval.</summary>
    Poll,

    /// <summary>One Server-Sent Events stream per job (GET /api/jobs/{id}/events), as the web page does.</summary>
    Events,
}

/// <summary>
/// The paid flow of one job, as a client drives it: pay the eval invoice, wait for the work invoice, pay it,
/// wait for the result. Waiting is polling (every <c>pollInterval</c>) or following the job's event stream.
/// </summary>
public sealed class JobFlow(TimmyApi api, TimeSpan pollInterval, WaitMode wait = WaitMode.Poll, HttpClient? streams = null)
{
    public async Task<string> CreateAndPayEvalAsync(CancellationToken cancellationToken)
    {
        var job = await api.CreateJobAsync(cancellationToken);
        await api.PayAsync(job.EvalPaymentHash, cancellationToken);
        return job.JobId;
    }

    /// <summary>Polls a job whose eval invoice is paid until its work invoice is out.</summary>
    public Task<JobView> WaitForWorkInvoiceAsync(string jobId, CancellationToken cancellationToken) =>
        PollUntilAsync(jobId, "awaiting_work_payment", cancellationToken);

    /// <summary>From a paid eval invoice to the finished work: poll, pay the work invoice, poll to complete.</summary>
    public async Task CompletePaidJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var quoted = await PollUntilAsync(jobId, "awaiting_work_payment", cancellationToken);
        await api.PayAsync(quoted.WorkPaymentHash!, cancellationToken);
        await PollUntilAsync(jobId, "complete", cancellationToken);
    }

    /// <summary>
    /// The whole paid flow of a job whose event stream is already open (and has sent the unpaid job): pay the
    /// eval invoice, pay the work invoice when it comes, return when the job is complete.
    /// </summary>
    public async Task PayAndFollowAsync(CreatedJob job, JobEventStream events, CancellationToken cancellationToken)
    {
        await api.PayAsync(job.EvalPaymentHash, cancellationToken);
        var paidWork = false;
        while (await events.NextAsync(cancellationToken) is { } view)
        {
            switch (view.State)
            {
                case "awaiting_work_payment" when !paidWork:
                    paidWork = true;
                    await api.PayAsync(view.WorkPaymentHash!, cancellationToken);
                    break;
                case "complete":
                    return;
                case "rejected" or "failed":
                    throw new InvalidOperationException($"Job {job.JobId} is {view.State}, not complete");
            }
        }

        throw new InvalidOperationException($"The event stream of job {job.JobId} ended before it was complete");
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (wait == WaitMode.Events)
        {
            var job = await api.CreateJobAsync(cancellationToken);
            await using var events = await OpenEventsAsync(job, cancellationToken);
            await PayAndFollowAsync(job, events, cancellationToken);
            return;
        }

        var jobId = await CreateAndPayEvalAsync(cancellationToken);
        await CompletePaidJobAsync(jobId, cancellationToken);
    }

    /// <summary>Opens the job's event stream and reads its first event (the job as created).</summary>
    public async Task<JobEventStream> OpenEventsAsync(CreatedJob job, CancellationToken cancellationToken)
    {
        var events = await JobEventStream.OpenAsync(streams ?? throw new InvalidOperationException("No HttpClient for event streams"), job.JobId, cancellationToken);
        if (await events.NextAsync(cancellationToken) is not { State: "awaiting_eval_payment" })
        {
            await events.DisposeAsync();
            throw new InvalidOperationException($"The event stream of job {job.JobId} did not start with the unpaid job");
        }

        return events;
    }

    private async Task<JobView> PollUntilAsync(string jobId, string wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await api.GetJobAsync(jobId, cancellationToken);
            if (job.State == wanted)
            {
                return job;
            }

            if (job.State is "rejected" or "failed" or "complete")
            {
                throw new InvalidOperationException($"Job {jobId} is {job.State}, not {wanted}");
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}
