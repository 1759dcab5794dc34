using Timmy.Api.Data;

namespace Timmy.Api.Boundary;

/// <summary>The HMAC key of Payment challenge ids: generated once and kept in the database, shared by every instance.</summary>
public sealed class ChallengeSecret(IServiceScopeFactory scopes)
{
    private const string SecretName = "payment-challenge-hmac-key";
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
            return _key ??= await StoredSecrets.LoadOrCreateAsync(scopes, SecretName, cancellationToken);
        }
        finally
        {
            _load.Release();
        }
    }
}
