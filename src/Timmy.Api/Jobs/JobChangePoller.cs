using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>
/// Finds moves that other instances made to the jobs this instance's event streams follow: every
/// <see cref="JobEventsOptions.PollIntervalMs"/> it reads their <see cref="Job.UpdatedAt"/> in one query per
/// page of jobs and publishes those that changed. So ten thousand open streams cost one small query a
/// second, not ten thousand.
/// </summary>
public sealed partial class JobChangePoller(
    JobChanges changes, IServiceScopeFactory scopes, IOptions<JobEventsOptions> options, ILogger<JobChangePoller> logger) : BackgroundService
{
    private const int PageSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(ex);
            }
        }
    }

    /// <summary>One pass: wakes every stream whose job has an update it has not shown.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var page in changes.Followed.ToArray().Chunk(PageSize))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
            var updates = await db.Jobs.AsNoTracking()
                .Where(j => EF.Parameter(page).Contains(j.Id)) // One parameter, not 500: see JobReads.
                .Select(j => new { j.Id, j.UpdatedAt })
                .ToListAsync(cancellationToken);
            updates.ForEach(update => changes.PublishIfUnseen(update.Id, update.UpdatedAt));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Looking for job changes made by other instances failed; trying again on the next tick")]
    private partial void LogPollFailed(Exception ex);
}
