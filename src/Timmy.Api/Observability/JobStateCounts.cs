using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Jobs;

namespace Timmy.Api.Observability;

/// <summary>
/// Jobs by state, counted in the database every few seconds by a background loop, because a gauge's callback
/// runs on the scrape and must not query. Across instances every instance reports the same shared totals.
/// </summary>
public sealed partial class JobStateCounts(IServiceScopeFactory scopes, ILogger<JobStateCounts> logger) : BackgroundService
{
    /// <summary>Marks the count's SQL (a comment), so it can be told from other queries in logs and tests.</summary>
    public const string QueryTag = "jobs by state";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private volatile IReadOnlyDictionary<JobState, int> _counts = new Dictionary<JobState, int>();

    public IEnumerable<Measurement<int>> Observe() =>
        Enum.GetValues<JobState>().Select(state =>
            new Measurement<int>(_counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state.ToWireName())));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CountAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogCountFailed(ex);
            }

            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// One count, done by the database (<c>GROUP BY</c> with <c>COUNT</c>, over the state index): a bare
    /// <c>GroupBy</c> handed to <c>ToDictionaryAsync</c> would load every job into memory to count them here.
    /// </summary>
    public async Task CountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        _counts = await db.Jobs
            .TagWith(QueryTag)
            .GroupBy(j => j.State)
            .Select(jobs => new { State = jobs.Key, Count = jobs.Count() })
            .ToDictionaryAsync(count => count.State, count => count.Count, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Could not count jobs by state")]
    private partial void LogCountFailed(Exception ex);
}
