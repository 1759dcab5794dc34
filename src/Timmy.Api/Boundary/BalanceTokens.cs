using Timmy.Api.Sessions;
using Timmy.Http402;
using Timmy.Macaroons;

namespace Timmy.Api.Boundary;

/// <summary>
/// The L402 macaroons that are keys to a balance: the identifier is bLIP-0026's (version 0, the payment hash of the
/// invoice that funds it, the token id), the token id is the session id (16 bytes, big-endian) padded with zeros, so
/// every macaroon minted for one balance carries one token id; a caveat names the balance too.
/// </summary>
public sealed class BalanceTokens(MacaroonRootKey rootKey, Microsoft.Extensions.Options.IOptions<SessionsOptions> options)
{
    /// <summary>The macaroon of a challenge for this balance and invoice, as standard base64.</summary>
    public async Task<string> MintAsync(Guid sessionId, string paymentHashHex, CancellationToken cancellationToken)
    {
        var identifier = new L402Identifier(Convert.FromHexString(paymentHashHex), TokenIdOf(sessionId));
        var macaroon = Macaroon.Create(await rootKey.GetAsync(cancellationToken), identifier.ToBytes(), options.Value.MacaroonLocation)
            .AddFirstPartyCaveat(Caveat(sessionId));
        // Standard base64 of the V2 binary, as Aperture writes it: clients that decode the macaroon expect that alphabet.
        return Convert.ToBase64String(macaroon.ToBinary());
    }

    /// <summary>Null when the credential is a good L402 key to its balance (its session id out); otherwise why not.</summary>
    public async Task<(Guid SessionId, string? Rejection)> VerifyAsync(L402Credential credential, CancellationToken cancellationToken)
    {
        if (L402Identifier.TryDecode(credential.Macaroon.Identifier.Span) is not { } identifier)
        {
            return (Guid.Empty, "Invalid macaroon: its identifier is not an L402 identifier");
        }

        var sessionId = SessionIdOf(identifier.TokenId);
        var rejection = L402.Rejection(credential, await rootKey.GetAsync(cancellationToken), new MacaroonVerifier().SatisfyExact(Caveat(sessionId)));
        return (sessionId, rejection);
    }

    public static byte[] TokenIdOf(Guid sessionId)
    {
        var tokenId = new byte[32];
        sessionId.ToByteArray(bigEndian: true).CopyTo(tokenId, 0);
        return tokenId;
    }

    private static Guid SessionIdOf(byte[] tokenId) => new(tokenId.AsSpan(0, 16), bigEndian: true);

    private static string Caveat(Guid sessionId) => $"balance = {sessionId:N}";
}
