using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>
/// Inserts one row, every mapped column, as a plain <c>INSERT</c> written from EF's model (<see cref="MappedTable"/>).
/// For hot single-row inserts only: <c>SaveChanges</c> tracks, detects changes and batches for one row, and under load
/// that cost more CPU than the insert itself. The entity must have no store-generated values and is not tracked;
/// the statement runs through EF, in the context's transaction, past its interceptors.
/// </summary>
internal static class RowInsert
{
    public static async Task ExecuteAsync<TEntity>(DbContext db, TEntity row, CancellationToken cancellationToken) where TEntity : class
    {
        var table = MappedTable.Of<TEntity>(db);
        using var parameters = new SqlParameters(db, table, table.All.Count);
        var values = table.All.Select(column => parameters.Add(column, column.ValueOf(row))).ToList();
        var text = new StringBuilder("INSERT INTO ").Append(table.Name)
            .Append(" (").AppendJoin(", ", table.All.Select(column => column.Name))
            .Append(") VALUES (").AppendJoin(", ", values).Append(')');
        await db.Database.ExecuteSqlRawAsync(text.ToString(), parameters.All, cancellationToken);
    }
}
