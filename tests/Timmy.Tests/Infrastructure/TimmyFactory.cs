using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Tests.Fakes;

namespace Timmy.Tests.Infrastructure;

/// <summary>
/// The real application over a fresh SQLite file, with the real stub and offline backends.
/// Tests adjust settings or swap services through the init properties.
/// </summary>
public sealed class TimmyFactory : WebApplicationFactory<Program>
{
    /// <summary>The database's name; give two factories the same one to simulate a restart.</summary>
    public string DatabaseName { get; init; } = $"timmy_test_{Guid.NewGuid():N}";

    public string EnvironmentName { get; init; } = "Development";

    public Dictionary<string, string?> Settings { get; init; } = [];

    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Keep the database file on dispose, to reopen it in a second factory (a "restart").</summary>
    public bool KeepDatabase { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Timmy", new TestDatabase(DatabaseName).ConnectionString);
        // A job whose model fails transiently is retried after 50 ms, not 15 s, unless a test says otherwise.
        builder.UseSetting("Jobs:ModelRetryMilliseconds", "50");
        // Every test request comes from the same (absent) address, so per-client limits would tie unrelated tests'
        // requests together; the tests of those limits turn them on.
        builder.UseSetting("CreationRateLimit:PermitsPerMinute", "0");
        builder.UseSetting("Streams:MaxPerClient", "0");
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
            new TestDatabase(DatabaseName).Drop();
        }
    }
}
