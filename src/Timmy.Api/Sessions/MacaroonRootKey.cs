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
    private readonly CachedSecret _key = new(async cancellationToken =>
        FromConfiguration(options.Value.MacaroonRootKey) ?? await StoredSecrets.LoadOrCreateAsync(scopes, SecretName, cancellationToken));

    public ValueTask<byte[]> GetAsync(CancellationToken cancellationToken) => _key.GetAsync(cancellationToken);

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
