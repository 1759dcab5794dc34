using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>
/// One conditional <c>UPDATE table SET … WHERE column = value AND …</c> on one table, written straight from EF's
/// model (<see cref="MappedTable"/>), so values are stored exactly as EF stores them (value converters included).
/// For the hottest moves only: EF's <c>ExecuteUpdate</c> translates a LINQ expression tree on every call, and under
/// load that translation cost more CPU than SQLite's own work.
/// The statement joins the context's transaction, where it runs as a kept, prepared command (<see cref="HotStatements"/>).
/// </summary>
public sealed class ConditionalUpdate<TEntity> where TEntity : class
{
    private readonly List<(string Property, object? Value)> _sets = [];
    private readonly List<(string Property, object? Value)> _matches = [];

    /// <summary>Sets a column; setting the same property twice keeps the last value.</summary>
    public ConditionalUpdate<TEntity> SetProperty<TValue>(Expression<Func<TEntity, TValue>> property, TValue value)
    {
        var name = PropertyName(property);
        _sets.RemoveAll(set => set.Property == name);
        _sets.Add((name, value));
        return this;
    }

    /// <summary>Updates only rows whose column equals <paramref name="value"/> (<c>IS NULL</c> for null).</summary>
    public ConditionalUpdate<TEntity> Where<TValue>(Expression<Func<TEntity, TValue>> property, TValue value)
    {
        _matches.Add((PropertyName(property), value));
        return this;
    }

    /// <summary>Runs the update and returns how many rows it changed.</summary>
    public async Task<int> ExecuteAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (_sets.Count == 0 || _matches.Count == 0)
        {
            throw new InvalidOperationException("A conditional update needs at least one column to set and one to match");
        }

        var table = MappedTable.Of<TEntity>(db);
        using var parameters = new SqlParameters(db, table, _sets.Count + _matches.Count);
        var text = new StringBuilder("UPDATE ").Append(table.Name).Append(" SET ");
        for (var i = 0; i < _sets.Count; i++)
        {
            var (property, value) = _sets[i];
            var column = table.Column(property);
            text.Append(i == 0 ? "" : ", ").Append(column.Name).Append(" = ").Append(parameters.Add(column, value));
        }

        for (var i = 0; i < _matches.Count; i++)
        {
            var (property, value) = _matches[i];
            var column = table.Column(property);
            text.Append(i == 0 ? " WHERE " : " AND ").Append(column.Name);
            text.Append(value is null ? " IS NULL" : " = " + parameters.Add(column, value));
        }

        return await HotStatements.ExecuteAsync(db, text.ToString(), parameters.All, cancellationToken);
    }

    private static string PropertyName<TValue>(Expression<Func<TEntity, TValue>> property) =>
        property.Body is MemberExpression { Expression: ParameterExpression } member
            ? member.Member.Name
            : throw new ArgumentException("Name a property of the entity, as in e => e.Name", nameof(property));
}
