using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>The parameters of one hand-written statement, each made by its column's own type mapping.</summary>
internal sealed class SqlParameters(DbContext db, MappedTable table, int capacity) : IDisposable
{
    // Only a factory for provider parameters; the statement itself runs on the context's connection (HotStatements).
    private readonly DbCommand _factory = db.Database.GetDbConnection().CreateCommand();

    public List<DbParameter> All { get; } = new(capacity);

    /// <summary>Adds a parameter for <paramref name="value"/> stored in <paramref name="column"/>; returns its placeholder.</summary>
    public string Add(MappedColumn column, object? value)
    {
        var name = "p" + All.Count;
        All.Add(column.Mapping.CreateParameter(_factory, name, value, nullable: value is null));
        return table.Placeholder(name);
    }

    public void Dispose() => _factory.Dispose();
}
