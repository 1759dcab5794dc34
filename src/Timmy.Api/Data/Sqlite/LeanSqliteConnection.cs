using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Timmy.Api.Data.Sqlite;

#pragma warning disable EF1001 // EF Core's own SQLite connection type; the override below is its one documented-by-source hook.

/// <summary>
/// EF Core's SQLite connection without the user functions it adds to every connection it creates (<c>regexp</c> and
/// the <c>ef_*</c> decimal helpers). Microsoft.Data.Sqlite registers each of them with SQLite on every open and drops
/// them on every close, which doubled the cost of a short query (bench/RESULTS.md). Timmy never calls them: money is
/// integer sats and no query filters, sorts or computes on a decimal column. A query that did would fail loudly
/// ("no such function"), in the test suite that runs every query on SQLite.
/// </summary>
internal sealed class LeanSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}

internal static class LeanSqliteConnections
{
    public static DbContextOptionsBuilder UseLeanSqliteConnections(this DbContextOptionsBuilder options) =>
        options.ReplaceService<ISqliteRelationalConnection, LeanSqliteConnection>();
}
