using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Timmy.Api.Data;

/// <summary>
/// Runs the hand-written hot statements (<see cref="ConditionalUpdate{TEntity}"/>, <see cref="RowInsert"/>). On SQLite,
/// inside the context's transaction, a statement runs on a command kept for its connection and SQL text, so a
/// connection that stays open, as the group commit's writer does, parses and plans each statement once:
/// Microsoft.Data.Sqlite prepares the SQL of every new command again, about half of a job move's cost
/// (bench/RESULTS.md). Such a statement skips EF's command interceptors and logging; the transaction around it passed
/// them as it began, taking the write gate that covers every statement in it. Every other statement runs through EF:
/// outside a transaction EF opens the connection and takes the gate for it, and PostgreSQL prepares statements itself
/// (Npgsql's automatic preparation, see <see cref="DatabaseProviders"/>); there, once prepared, a kept command given
/// new parameter objects runs with the old ones' values.
/// </summary>
internal static class HotStatements
{
    /// <summary>Enough for every statement Timmy writes this way; past it, further texts run through EF.</summary>
    private const int MaxKeptPerConnection = 64;

    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Kept = new();

    public static Task<int> ExecuteAsync(DbContext db, string sql, List<DbParameter> parameters, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction?.GetDbTransaction() is not { Connection: SqliteConnection connection } transaction
            || KeptCommand(connection, sql) is not { } command)
        {
            return db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The command kept for this text, made on first use; null once the connection keeps as many as it may.</summary>
    /// <remarks>A connection is used by one caller at a time, so its commands need no lock.</remarks>
    private static DbCommand? KeptCommand(DbConnection connection, string sql)
    {
        var kept = Kept.GetValue(connection, KeepWhileOpen);
        if (!kept.TryGetValue(sql, out var command) && kept.Count < MaxKeptPerConnection)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            kept[sql] = command;
        }

        return command;
    }

    /// <summary>
    /// Commands are kept only while their connection stays open. Closing it hands the native connection under it back to
    /// SQLite's pool, for any other connection to take, and a command kept across the close would run there: outside the
    /// caller's transaction (committed at once), or busy on the lock that transaction holds.
    /// </summary>
    private static Dictionary<string, DbCommand> KeepWhileOpen(DbConnection connection)
    {
        var kept = new Dictionary<string, DbCommand>();
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState != ConnectionState.Open)
            {
                foreach (var command in kept.Values)
                {
                    command.Dispose();
                }

                kept.Clear();
            }
        };
        return kept;
    }
}
