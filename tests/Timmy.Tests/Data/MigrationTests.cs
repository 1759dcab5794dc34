using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Tests.Data;

/// <summary>
/// Every change to the model has its migration, for both providers. Startup skips the migration pass on a current
/// schema, so EF's own check for a model change without a migration no longer runs at every start; this runs it.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_match_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: run scripts/new-migration.sh Name");
    }

    [Fact]
    public void The_postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration: run scripts/new-migration.sh Name");
    }
}
