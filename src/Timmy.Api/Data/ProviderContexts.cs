using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Timmy.Api.Data;

/// <summary>The SQLite flavour of <see cref="TimmyDbContext"/>, with migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteTimmyDbContext(DbContextOptions<SqliteTimmyDbContext> options) : TimmyDbContext(options);

/// <summary>The PostgreSQL flavour of <see cref="TimmyDbContext"/>, with migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresTimmyDbContext(DbContextOptions<PostgresTimmyDbContext> options) : TimmyDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTimmyDbContext>
{
    public SqliteTimmyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTimmyDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTimmyDbContext>
{
    public PostgresTimmyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTimmyDbContext>().UseNpgsql("Host=localhost;Database=timmy_design").Options);
}
