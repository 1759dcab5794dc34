using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Observability;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Observability;

/// <summary>The jobs-by-state gauge is counted by the database, with one aggregate query that reads no job rows.</summary>
public sealed class JobStateCountsTests : IDisposable
{
    private readonly SqlLog _sql = new();
    private readonly TimmyFactory _factory;

    public JobStateCountsTests() => _factory = new TimmyFactory { TestServices = _sql.InstallIn };

    [Fact]
    public async Task Jobs_are_counted_by_state_in_one_aggregate_query()
    {
        var client = _factory.CreateClient();
        await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        await client.CreateJobAsync("What is a satoshi?");
        await client.RunJobAsync("What is a payment channel?");
        var counts = _factory.Services.GetRequiredService<JobStateCounts>();
        _sql.Clear();

        await counts.CountAsync(CancellationToken.None);

        // Background services (the worker, the watcher, the gauge's own loop) query too; only the count's own matter.
        var query = Assert.Single(_sql.Queries, sql => sql.Contains(JobStateCounts.QueryTag, StringComparison.Ordinal));
        Assert.Contains("COUNT(", query, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("GROUP BY", query, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"Request\"", query, StringComparison.Ordinal);
        var byState = counts.Observe().ToDictionary(m => (string)m.Tags.ToArray().Single(t => t.Key == "state").Value!, m => m.Value);
        Assert.Equal(2, byState["awaiting_eval_payment"]);
        Assert.Equal(1, byState["complete"]);
        Assert.Equal(0, byState["failed"]);
    }

    public void Dispose() => _factory.Dispose();
}
