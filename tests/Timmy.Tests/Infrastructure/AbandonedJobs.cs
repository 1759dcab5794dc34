using Microsoft.EntityFrameworkCore;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;

namespace Timmy.Tests.Infrastructure;

public static class AbandonedJobs
{
    /// <summary>
    /// Drives a job to a paid work invoice, then makes it look as if a worker took it and died: executing, leased to a
    /// dead worker until <paramref name="leaseExpiresIn"/> from now (negative: already lapsed), after <paramref name="attempts"/>.
    /// </summary>
    public static async Task<Guid> PaidJobAbandonedInExecutingAsync(this TimmyFactory factory, HttpClient client, int attempts, TimeSpan leaseExpiresIn)
    {
        var accepted = await client.PayEvalAsync(await client.CreateJobAsync("What is a satoshi?"));
        var jobId = Guid.Parse(accepted.Str("jobId"));
        var expires = DateTimeOffset.UtcNow + leaseExpiresIn;
        await factory.WithDbAsync(async db =>
        {
            await db.Invoices.Where(i => i.JobId == jobId && i.Kind == InvoiceKind.JobWork)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.PaidAt, DateTimeOffset.UtcNow));
            return await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Executing)
                .SetProperty(j => j.LeaseOwner, "a-worker-that-died")
                .SetProperty(j => j.LeaseExpiresAt, expires)
                .SetProperty(j => j.Attempts, attempts));
        });
        return jobId;
    }
}
