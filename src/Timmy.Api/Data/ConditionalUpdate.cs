using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>
/// One conditional <c>UPDATE table SET … WHERE column = value AND …</c> on one table, written straight from EF's
/// model (<see cref="MappedTable"/>), so values are stored exactly as EF stores them (value converters included).
/// For the hottest moves only: EF's <c>ExecuteUpdate</c> translates a LINQ expression tree on every call, and under
/// load that translation cost more CPU than SQLite's own work.
/// The statement joins the context's transaction, if any; on SQLite, inside one, it runs as a kept, prepared command
/// (<see cref="HotStatements"/>).
/// </summary>
public sealed class ConditionalUpdate<TEntity> where TEntity : class
{
    private readonly List<(string Property, object? Value)> _sets = [];
    private readonly List<(string Property, object? Value)> _matches = [];

    /// <summary>Sets a column; setting the same property twice keeps the last value.</summary>
    /// <param name="property">Names the property, as in <c>j => j.State</c>; it is never called (see <see cref="PropertyNames"/>).</param>
    public ConditionalUpdate<TEntity> SetProperty<TValue>(
        Func<TEntity, TValue> property, TValue value, [CallerArgumentExpression(nameof(property))] string propertyText = "")
    {
        var name = PropertyNames.Of(propertyText);
        _sets.RemoveAll(set => set.Property == name);
        _sets.Add((name, value));
        return this;
    }

    /// <summary>Updates only rows whose column equals <paramref name="value"/> (<c>IS NULL</c> for null).</summary>
    /// <param name="property">Names the property, as in <c>j => j.Id</c>; it is never called.</param>
    public ConditionalUpdate<TEntity> Where<TValue>(
        Func<TEntity, TValue> property, TValue value, [CallerArgumentExpression(nameof(property))] string propertyText = "")
    {
        _matches.Add((PropertyNames.Of(propertyText), value));
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
}

/// <summary>
/// The property a lambda such as <c>j => j.State</c> names, read from its source text (the caller's argument
/// expression), which the compiler writes into the call site as a constant. A hot move therefore builds no expression
/// tree per column, as an <c>Expression&lt;Func&lt;…&gt;&gt;</c> argument would (a few microseconds each, on the writer's
/// serial path); the lambda itself still makes the compiler check that the property exists and its type fits.
/// </summary>
internal static partial class PropertyNames
{
    private static readonly ConcurrentDictionary<string, string> Parsed = new();

    public static string Of(string lambdaText) => Parsed.GetOrAdd(lambdaText, static text =>
        MemberAccess().Match(text) is { Success: true } match
            ? match.Groups["property"].Value
            : throw new ArgumentException($"Name a property of the entity, as in e => e.Name (got: {text})", "property"));

    [GeneratedRegex(@"^\s*\(?\s*(?<entity>\w+)\s*\)?\s*=>\s*\k<entity>\s*\.\s*(?<property>\w+)\s*$")]
    private static partial Regex MemberAccess();
}
