using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;

namespace Timmy.Api.Sessions;

/// <summary>
/// The root key that signs session macaroons: from configuration when set, otherwise generated on first run
/// and stored in the database, so restarts and other instances verify the same macaroons.
/// </summary>
public sealed class MacaroonRootKey(IServiceScopeFactory scopes, IOptions<SessionsOptions> options)
{
    private const string SecretName = "session-macaroon-root-key";
    private readonly SemaphoreSlim _load = new(1, 1);
    private byte[]? _key;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        await _load.WaitAsync(cancellationToken);
        try
        {
            return _key ??= FromConfiguration(options.Value.MacaroonRootKey) ?? await LoadOrCreateAsync(cancellationToken);
        }
        finally
        {
            _load.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        if (await db.ServerSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == SecretName, cancellationToken) is { } existing)
        {
            return existing.Value;
        }

        db.ServerSecrets.Add(new ServerSecret { Name = SecretName, Value = RandomNumberGenerator.GetBytes(32), CreatedAt = DateTimeOffset.UtcNow });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolationOn("server_secrets"))
        {
            // Another instance created it first; theirs is the key.
        }

        db.ChangeTracker.Clear();
        return (await db.ServerSecrets.AsNoTracking().SingleAsync(s => s.Name == SecretName, cancellationToken)).Value;
    }

    private static byte[]? FromConfiguration(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        var key = configured.Length == 64 && configured.All(Uri.IsHexDigit)
            ? Convert.FromHexString(configured)
            : Convert.FromBase64String(configured);
        return key.Length >= 32
            ? key
            : throw new InvalidOperationException("Sessions:MacaroonRootKey must be at least 32 bytes (64 hex characters or base64)");
    }
}
