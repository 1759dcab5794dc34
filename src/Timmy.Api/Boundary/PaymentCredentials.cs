using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Payments;
using Timmy.Api.Sessions;
using Timmy.Http402;
using Timmy.Macaroons;

namespace Timmy.Api.Boundary;

/// <summary>What the Authorization header proved: nothing was sent (<see cref="None"/>), a balance, or why not.</summary>
public sealed record CredentialCheck(PaidBalance? Balance, string? Rejection)
{
    public static CredentialCheck None { get; } = new(null, null);

    public bool IsMissing => Balance is null && Rejection is null;
}

/// <summary>
/// Reads and verifies every credential kind a balance accepts, and maps each to its session:
/// <list type="bullet">
/// <item><c>L402</c>/<c>LSAT &lt;macaroon&gt;:&lt;preimage&gt;</c> (also as <c>Bearer</c>): a bLIP-0026 macaroon whose token id
/// is the session, or the session's own macaroon with the preimage of its deposit;</item>
/// <item><c>Payment &lt;credential&gt;</c>: a Lightning charge (the challenge's HMAC is ours, the preimage hashes to the
/// payment hash, and that invoice funds a session), or a Lightning session's action (<see cref="PaymentSessionCredentials"/>);</item>
/// <item><c>Bearer &lt;session macaroon&gt;</c>: spends, cannot withdraw.</item>
/// </list>
/// A challenge's <c>expires</c> bounds when its invoice may be paid; a matching preimage proves it was, so a paid
/// credential is replayed for as long as its balance lasts.
/// </summary>
public sealed class PaymentCredentials(
    TimmyDbContext db, BalanceTokens tokens, SessionMacaroons sessionMacaroons, ChallengeSecret secret, PaymentSessionCredentials sessions,
    IOptions<BoundaryOptions> options)
{
    public async Task<CredentialCheck> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? authorization = request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return CredentialCheck.None;
        }

        authorization = authorization.Trim();
        var space = authorization.IndexOf(' ');
        var scheme = space > 0 ? authorization[..space] : authorization;
        var token = space > 0 ? authorization[(space + 1)..].Trim() : "";
        if (L402.IsL402(authorization))
        {
            return await CheckL402Async(authorization, cancellationToken);
        }

        if (scheme.Equals(PaymentChallenge.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return await CheckPaymentAsync(authorization, cancellationToken);
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && token.Length > 0)
        {
            // An L402 token used as an API key (macaroon:preimage), or a session's bearer macaroon.
            return token.Contains(':')
                ? await CheckL402Async($"{L402.Scheme} {token}", cancellationToken)
                : await CheckBearerAsync(token, cancellationToken);
        }

        return CredentialCheck.None;
    }

    private async Task<CredentialCheck> CheckL402Async(string authorization, CancellationToken cancellationToken)
    {
        var credential = L402.Parse(authorization, out var error);
        if (credential is null)
        {
            return Reject(error!);
        }

        if (SessionMacaroons.SessionIdOf(credential.Macaroon) is { } sessionId)
        {
            // A session's macaroon with the preimage of its deposit is an L402 credential for that session.
            if (await sessionMacaroons.RejectionAsync(credential.Macaroon.Serialize(), sessionId, cancellationToken) is { } bad)
            {
                return Reject(bad);
            }

            var deposit = await DepositHashAsync(sessionId, cancellationToken);
            return deposit is not null && L402.PreimageMatches(credential.Preimage, Convert.FromHexString(deposit))
                ? new(new PaidBalance(sessionId, CredentialKind.L402, deposit), null)
                : Reject("Invalid L402 credential: the preimage is not the preimage of this session's deposit");
        }

        var (session, rejection) = await tokens.VerifyAsync(credential, cancellationToken);
        if (rejection is not null)
        {
            return Reject(rejection);
        }

        var hash = Convert.ToHexStringLower(L402Identifier.TryDecode(credential.Macaroon.Identifier.Span)!.PaymentHash);
        return await db.Sessions.AnyAsync(s => s.Id == session, cancellationToken)
            ? new(new PaidBalance(session, CredentialKind.L402, hash), null)
            : Reject("Invalid L402 credential: its balance does not exist");
    }

    private async Task<CredentialCheck> CheckPaymentAsync(string authorization, CancellationToken cancellationToken)
    {
        var credential = PaymentCredential.Parse(authorization, out var error);
        if (credential is null)
        {
            return Reject(error!);
        }

        var challenge = credential.Challenge;
        if (challenge.Realm != options.Value.Realm || challenge.Method != LightningCharge.Method
            || challenge.Intent is not (LightningCharge.Intent or LightningSession.Intent))
        {
            return Reject($"Invalid Payment credential: this server takes realm \"{options.Value.Realm}\", method lightning, intent charge or session");
        }

        if (!challenge.IsIssuedWith(await secret.GetAsync(cancellationToken)))
        {
            return Reject("Invalid Payment credential: the challenge was not issued here (its id does not verify)");
        }

        if (challenge.Intent == LightningSession.Intent)
        {
            return await sessions.CheckAsync(credential, cancellationToken);
        }

        var hash = LightningCharge.PaymentHashOf(challenge.Request);
        if (!L402.PreimageMatches(credential.Preimage, hash))
        {
            return Reject("Invalid Payment credential: the preimage does not match the payment hash");
        }

        hash = hash!.ToLowerInvariant();
        return await FundingInvoices.SessionFundedByAsync(db, hash, cancellationToken) is { } id
            ? new(new PaidBalance(id, CredentialKind.Payment, hash, challenge.Id), null)
            : Reject("Invalid Payment credential: its invoice funds no balance here");
    }

    private async Task<CredentialCheck> CheckBearerAsync(string token, CancellationToken cancellationToken)
    {
        if (!Macaroon.TryDeserialize(token, out var macaroon, out var error))
        {
            return Reject($"Invalid macaroon: {error}");
        }

        if (SessionMacaroons.SessionIdOf(macaroon) is not { } sessionId)
        {
            return Reject("Invalid macaroon: a bearer macaroon must be a session's; send an L402 token as 'Bearer <macaroon>:<preimage>'");
        }

        if (await sessionMacaroons.RejectionAsync(token, sessionId, cancellationToken) is { } bad)
        {
            return Reject(bad);
        }

        return new(new PaidBalance(sessionId, CredentialKind.SessionBearer, await DepositHashAsync(sessionId, cancellationToken) ?? ""), null);
    }

    private Task<string?> DepositHashAsync(Guid sessionId, CancellationToken cancellationToken) =>
        FundingInvoices.DepositHashAsync(db, sessionId, cancellationToken);

    internal static CredentialCheck Reject(string why) => new(null, why);
}
