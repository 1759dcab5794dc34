using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Jobs;

/// <summary>
/// Clients poll finished jobs over and over; a finished job has no payment left to notice, so its answer is
/// kept for a moment (<see cref="JobOptions.FinishedJobCacheMilliseconds"/>) instead of being read from the
/// database on every poll. The one thing that still changes, the refund state, clears this instance's entry;
/// another instance may show the old refund state for at most that moment.
/// </summary>
public sealed class FinishedJobCache(IOptions<JobOptions> options) : IDisposable
{
    // Its own cache, bounded, so a flood of distinct job ids cannot grow memory without limit.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public bool TryGet(Guid jobId, out JobStatusResponse? response) => cache.TryGetValue(jobId, out response);

    public void Remember(JobStatusResponse response)
    {
        var lifetime = TimeSpan.FromMilliseconds(options.Value.FinishedJobCacheMilliseconds);
        if (lifetime > TimeSpan.Zero && response.State is JobState.Complete or JobState.Rejected or JobState.Failed)
        {
            cache.Set(Guid.Parse(response.JobId), response, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
        }
    }

    public void Forget(Guid jobId) => cache.Remove(jobId);

    public void Dispose() => cache.Dispose();
}
