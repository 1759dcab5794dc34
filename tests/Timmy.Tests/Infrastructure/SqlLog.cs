using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;

namespace Timmy.Tests.Infrastructure;

/// <summary>
/// Records the queries the app sends to its database, and can make the next look at jobs with their invoices fail
/// as a broken database would, or hold it once it has run. Install it with <see cref="InstallIn"/> in a
/// <see cref="TimmyFactory.TestServices"/>.
/// </summary>
public sealed partial class SqlLog : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _texts = new();
    private TaskCompletionSource? _holding;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public volatile bool FailNextJobLook;

    /// <summary>The queries sent since the last <see cref="Clear"/>.</summary>
    public IReadOnlyList<string> Queries => [.. _texts];

    /// <summary>Queries that read jobs (not updates).</summary>
    public int JobReads => _texts.Count(text => ReadsJobs(text) && !text.StartsWith("UPDATE", StringComparison.Ordinal));

    public void Clear() => _texts.Clear();

    /// <summary>
    /// Holds the next look at jobs with their invoices after it has run (its snapshot of the database taken) and
    /// before its rows are read, until <see cref="Release"/>; the task completes once it is held.
    /// </summary>
    public Task HoldNextJobLook()
    {
        _holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _holding.Task;
    }

    public void Release() => _release.TrySetResult();

    public void InstallIn(IServiceCollection services)
    {
        // Each provider's context has its own options type.
        services.ConfigureDbContext<SqliteTimmyDbContext>(db => db.AddInterceptors(this));
        services.ConfigureDbContext<PostgresTimmyDbContext>(db => db.AddInterceptors(this));
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (FailNextJobLook && LooksAtJobs(command.CommandText))
        {
            FailNextJobLook = false;
            throw new InvalidOperationException("The database is unavailable");
        }

        _texts.Enqueue(command.CommandText);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (LooksAtJobs(command.CommandText) && Interlocked.Exchange(ref _holding, null) is { } holding)
        {
            holding.TrySetResult();
            await _release.Task;
        }

        return result;
    }

    // SQLite's SQL quotes the table name; PostgreSQL's leaves a lowercase one bare.
    private static bool ReadsJobs(string sql) => FromJobs().IsMatch(sql);

    /// <summary>A load of jobs with their invoices, as the app's job looks are (the payout reconciler's reads are not).</summary>
    private static bool LooksAtJobs(string sql) => ReadsJobs(sql) && sql.Contains("invoices", StringComparison.Ordinal);

    [GeneratedRegex(@"FROM ""?jobs""? ")]
    private static partial Regex FromJobs();
}
