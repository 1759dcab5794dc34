using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Timmy.Api.Data;

public static class UniqueViolations
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>
    /// Whether saving failed because a row of <paramref name="table"/> already had the same primary or unique key,
    /// read from the provider's own error (PostgreSQL's <c>23505</c> and table name; SQLite's primary-key or unique
    /// constraint error, whose message names the table's columns).
    /// </summary>
    public static bool IsUniqueViolationOn(this DbUpdateException ex, string table) => ex.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation && postgres.TableName == table,
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
            && sqlite.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique
            && sqlite.Message.Contains($" {table}.", StringComparison.Ordinal),
        _ => false,
    };
}
