using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Timmy.Api.Data;

namespace Timmy.Tests.Data;

/// <summary>
/// Timmy runs on EF's compiled models (Data/CompiledModels, found by their assembly attribute), so a start skips
/// building the model. They are generated code: each must describe the model OnModelCreating builds today.
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_sqlite_context_runs_on_a_compiled_model_that_matches_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        AssertCompiledAndCurrent(db);
    }

    [Fact]
    public void The_postgres_context_runs_on_a_compiled_model_that_matches_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        AssertCompiledAndCurrent(db);
    }

    private static void AssertCompiledAndCurrent(TimmyDbContext db)
    {
        const string Regenerate = "The compiled model is out of date: run scripts/compile-models.sh";
        var compiled = db.Model;
        var built = db.GetService<IDesignTimeModel>().Model;

        Assert.NotSame(built, compiled);
        Assert.StartsWith("Timmy.Api.Data.CompiledModels.", compiled.GetType().FullName);
        Assert.True(Describe(compiled) == Describe(built), Regenerate);
        Assert.True(DescribeTables(compiled) == DescribeTables(built), Regenerate);
    }

    private static string DescribeTables(IModel model) => string.Join("\n",
        from table in model.GetRelationalModel().Tables
        orderby table.Name
        select $"{table.Name}: "
            + string.Join(", ", table.Columns.OrderBy(c => c.Name).Select(c => $"{c.Name} {c.StoreType} {c.IsNullable}"))
            + " | " + string.Join(", ", table.Indexes.OrderBy(i => i.Name).Select(i => $"{i.Name} {i.IsUnique} {string.Join("+", i.Columns.Select(c => c.Name))}"))
            + " | " + string.Join(", ", table.ForeignKeyConstraints.OrderBy(f => f.Name).Select(f => $"{f.Name} {f.OnDeleteAction}"))
            + " | " + table.PrimaryKey?.Name);

    /// <summary>What the database mapping cannot show: each property's CLR type, converter and column type.</summary>
    private static string Describe(IModel model) => string.Join("\n",
        from entity in model.GetEntityTypes()
        from property in entity.GetProperties()
        orderby entity.Name, property.Name
        select $"{entity.Name}.{property.Name}: {property.ClrType.Name} {property.GetColumnType()} {property.GetTypeMapping().Converter?.GetType().Name} {property.IsNullable} {property.GetMaxLength()}");
}
