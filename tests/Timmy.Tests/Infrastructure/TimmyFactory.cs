using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;

namespace Timmy.Tests.Infrastructure;

/// <summary>
/// The real application over a fresh SQLite file, with the real stub and offline backends.
/// Tests adjust settings or swap services through the init properties.
/// </summary>
public sealed class TimmyFactory : WebApplicationFactory<Program>
{
    public string DatabasePath { get; init; } = Path.Combine(Path.GetTempPath(), $"timmy-test-{Guid.NewGuid():N}.db");

    public string EnvironmentName { get; init; } = "Development";

    public Dictionary<string, string?> Settings { get; init; } = [];

    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Keep the database file on dispose, to reopen it in a second factory (a "restart").</summary>
    public bool KeepDatabase { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Timmy", $"Data Source={DatabasePath}");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    public async Task<T> WithDbAsync<T>(Func<TimmyDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TimmyDbContext>());
    }

    public Task<int> CountRowsAsync() => WithDbAsync(async db =>
        await db.Jobs.CountAsync() + await db.Invoices.CountAsync());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepDatabase)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(DatabasePath + suffix);
            }
        }
    }
}
