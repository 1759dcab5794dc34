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

    private Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken) =>
        StoredSecrets.LoadOrCreateAsync(scopes, SecretName, cancellationToken);

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
