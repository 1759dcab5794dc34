using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>
/// Inserts one row, every mapped column, as a plain <c>INSERT</c> written from EF's model (<see cref="MappedTable"/>).
/// For hot single-row inserts only: <c>SaveChanges</c> tracks, detects changes and batches for one row, and under load
/// that cost more CPU than the insert itself. Every key and generated value must be set by the caller (an unset one
/// is refused), and the entity is not tracked. The statement joins the context's transaction, if any (see
/// <see cref="HotStatements"/>), and a failure is a <see cref="DbUpdateException"/> as from <c>SaveChanges</c>.
/// </summary>
internal static class RowInsert
{
    /// <summary>Inserts <paramref name="row"/>; returns the rows written (1).</summary>
    public static async Task<int> ExecuteAsync<TEntity>(DbContext db, TEntity row, CancellationToken cancellationToken) where TEntity : class
    {
        var table = MappedTable.Of<TEntity>(db);
        using var parameters = new SqlParameters(db, table, table.All.Count);
        var values = table.All.Select(column => parameters.Add(column, ValueOf(column, row))).ToList();
        var text = new StringBuilder("INSERT INTO ").Append(table.Name)
            .Append(" (").AppendJoin(", ", table.All.Select(column => column.Name))
            .Append(") VALUES (").AppendJoin(", ", values).Append(')');
        try
        {
            return await HotStatements.ExecuteAsync(db, text.ToString(), parameters.All, cancellationToken);
        }
        catch (DbException ex)
        {
            // As SaveChanges would report it, so a caller's unique-key check (UniqueViolations) reads it the same way.
            throw new DbUpdateException($"Inserting a row into {table.Name} failed: {ex.Message}", ex);
        }
    }

    private static object? ValueOf(MappedColumn column, object row)
    {
        var value = column.ValueOf(row);
        return column.NeedsGenerating(value)
            ? throw new InvalidOperationException($"{column.Property.DeclaringType.DisplayName()}.{column.Property.Name} must be set before a RowInsert")
            : value;
    }
}
