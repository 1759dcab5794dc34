using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Timmy.Api.Data;

/// <summary>
/// An entity's table as EF maps it: the delimited table and column names and each column's type mapping (value
/// converters included), looked up once per model (SQLite and PostgreSQL each have their own). For the few hot
/// statements that are written as SQL instead of being translated from LINQ on every call.
/// </summary>
internal sealed class MappedTable
{
    private static readonly ConcurrentDictionary<IEntityType, MappedTable> Tables = new();

    private readonly IEntityType _entity;
    private readonly ISqlGenerationHelper _sql;
    private readonly ConcurrentDictionary<string, MappedColumn> _columns = new();

    private MappedTable(IEntityType entity, ISqlGenerationHelper sql)
    {
        _entity = entity;
        _sql = sql;
        Name = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        All = entity.GetProperties().Select(property => Column(property.Name)).ToArray();
    }

    public string Name { get; }

    /// <summary>Every mapped column, in the model's order.</summary>
    public IReadOnlyList<MappedColumn> All { get; }

    public static MappedTable Of<TEntity>(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model");
        // A static factory given the context: no closure per call, and the SQL helper is resolved only on a miss.
        return Tables.GetOrAdd(entity, static (entity, db) => new MappedTable(entity, db.GetService<ISqlGenerationHelper>()), db);
    }

    public MappedColumn Column(string property) => _columns.GetOrAdd(property, static (name, table) => table.Map(name), this);

    public string Placeholder(string parameter) => _sql.GenerateParameterNamePlaceholder(parameter);

    private MappedColumn Map(string property)
    {
        var mapped = _entity.FindProperty(property) ?? throw new InvalidOperationException($"{_entity.DisplayName()}.{property} is not a mapped property");
        return new MappedColumn(_sql.DelimitIdentifier(mapped.GetColumnName()), mapped);
    }
}

internal sealed record MappedColumn(string Name, IProperty Property)
{
    public RelationalTypeMapping Mapping { get; } = Property.GetRelationalTypeMapping();

    public object? ValueOf(object entity) => Property.GetGetter().GetClrValueUsingContainingEntity(entity);

    /// <summary>Whether EF would have generated this column's value had it been left unset, as it is.</summary>
    public bool NeedsGenerating(object? value) => Property.ValueGenerated != ValueGenerated.Never && Equals(value, Property.Sentinel);
}
