using Timmy.Api.Data;

namespace Timmy.Api.Boundary;

/// <summary>The HMAC key of Payment challenge ids: generated once and kept in the database, shared by every instance.</summary>
public sealed class ChallengeSecret(IServiceScopeFactory scopes)
{
    private const string SecretName = "payment-challenge-hmac-key";
    private readonly CachedSecret _key = new(cancellationToken => StoredSecrets.LoadOrCreateAsync(scopes, SecretName, cancellationToken));

    public ValueTask<byte[]> GetAsync(CancellationToken cancellationToken) => _key.GetAsync(cancellationToken);
}
