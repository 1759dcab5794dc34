using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>
/// The SQLite connections EF Core opens carry none of its user functions (re-registered on every open, they
/// doubled the cost of a short query), and Timmy's queries never needed them.
/// </summary>
public sealed class LeanSqliteConnectionTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [SkippableTheory]
    [InlineData("SELECT 'a' REGEXP 'a'", "regexp")]
    [InlineData("SELECT ef_compare('1.0', '2.0')", "ef_compare")]
    public async Task Efs_user_functions_are_not_registered(string sql, string function)
    {
        Skip.If(TestDatabase.IsPostgres, "SQLite only");

        var error = await Assert.ThrowsAsync<SqliteException>(() => _factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql)));

        Assert.Contains($"no such function: {function}", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _factory.Dispose();
}
