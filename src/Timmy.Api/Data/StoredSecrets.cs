using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>Named 32-byte secrets generated on first use and kept in the database, so every instance and restart shares them.</summary>
public static class StoredSecrets
{
    public static async Task<byte[]> LoadOrCreateAsync(IServiceScopeFactory scopes, string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        if (await db.ServerSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken) is { } existing)
        {
            return existing.Value;
        }

        db.ServerSecrets.Add(new ServerSecret { Name = name, Value = RandomNumberGenerator.GetBytes(32), CreatedAt = DateTimeOffset.UtcNow });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolationOn("server_secrets"))
        {
            // Another instance created it first; theirs is the secret.
        }

        db.ChangeTracker.Clear();
        return (await db.ServerSecrets.AsNoTracking().SingleAsync(s => s.Name == name, cancellationToken)).Value;
    }
}
