using Timmy.Macaroons;

namespace Timmy.Api.Sessions;

/// <summary>
/// Issues and checks the bearer macaroon of a session. The identifier binds the session and a first-party
/// caveat names it; verification recomputes the HMAC chain with the server's root key in constant time.
/// </summary>
public sealed class SessionMacaroons(MacaroonRootKey rootKey, Microsoft.Extensions.Options.IOptions<SessionsOptions> options)
{
    private const string IdentifierPrefix = "timmy-session:v1:";

    public async Task<string> IssueAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var key = await rootKey.GetAsync(cancellationToken);
        return Macaroon.Create(key, IdentifierPrefix + sessionId.ToString("N"), options.Value.MacaroonLocation)
            .AddFirstPartyCaveat(SessionCaveat(sessionId))
            .Serialize();
    }

    /// <summary>Null when the serialized macaroon authorises requests on this session; otherwise why not.</summary>
    public async Task<string?> RejectionAsync(string serialized, Guid sessionId, CancellationToken cancellationToken)
    {
        if (!Macaroon.TryDeserialize(serialized, out var macaroon, out var error))
        {
            return $"Invalid macaroon: {error}";
        }

        // The location is not covered by the signature, so it is checked as strictly as the identifier.
        if (macaroon.Location != options.Value.MacaroonLocation || macaroon.IdentifierText != IdentifierPrefix + sessionId.ToString("N"))
        {
            return "Invalid macaroon: it was not issued for this session";
        }

        var verdict = new MacaroonVerifier()
            .SatisfyExact(SessionCaveat(sessionId))
            .Verify(macaroon, await rootKey.GetAsync(cancellationToken));
        return verdict.IsAuthorized ? null : "Invalid macaroon: its signature or caveats do not verify";
    }

    /// <summary>The session a session macaroon names in its identifier (not yet verified); null for any other macaroon.</summary>
    public static Guid? SessionIdOf(Macaroon macaroon) =>
        macaroon.IdentifierText is { } text && text.StartsWith(IdentifierPrefix, StringComparison.Ordinal)
        && Guid.TryParseExact(text[IdentifierPrefix.Length..], "N", out var id)
            ? id
            : null;

    private static string SessionCaveat(Guid sessionId) => $"session = {sessionId:N}";
}
