namespace Timmy.Bench;

/// <summary>
/// The paid flow of one job, as a client drives it. A poll either does the model call itself and answers
/// with the next state (today's code), or answers at once with <c>evaluating</c>/<c>executing</c> while a
/// background worker calls the model; in that case the client polls again after <see cref="PollInterval"/>.
/// </summary>
public sealed class JobFlow(TimmyApi api, TimeSpan pollInterval)
{
    public TimeSpan PollInterval => pollInterval;

    public async Task<string> CreateAndPayEvalAsync(CancellationToken cancellationToken)
    {
        var job = await api.CreateJobAsync(cancellationToken);
        await api.PayAsync(job.EvalPaymentHash, cancellationToken);
        return job.JobId;
    }

    /// <summary>From a paid eval invoice to the finished work: poll, pay the work invoice, poll to complete.</summary>
    public async Task CompletePaidJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var quoted = await PollUntilAsync(jobId, "awaiting_work_payment", cancellationToken);
        await api.PayAsync(quoted.WorkPaymentHash!, cancellationToken);
        await PollUntilAsync(jobId, "complete", cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var jobId = await CreateAndPayEvalAsync(cancellationToken);
        await CompletePaidJobAsync(jobId, cancellationToken);
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
