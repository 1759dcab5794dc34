using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Timmy.Http402;
using Timmy.Lightning;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Boundary;

/// <summary>A 402 as a standard client reads it: the four challenges of its WWW-Authenticate (Payment charge and session, L402, LSAT), and its JSON body.</summary>
public sealed record Challenge402(PaymentChallenge Payment, PaymentChallenge Session, string Macaroon, string Invoice, IReadOnlyList<AuthChallenge> All, JsonElement Body)
{
    public string PaymentHash => Bolt11Invoice.Decode(Invoice).PaymentHashHex;
}

/// <summary>What a 402-speaking client does, step by step, over a real HttpClient.</summary>
public static class Buyer
{
    public const string Image = "/api/gemini/generate-image";

    public static async Task<Challenge402> ReadChallengeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var all = response.Headers.WwwAuthenticate.SelectMany(h => AuthHeader.Parse(h.ToString())).ToList();
        var payments = PaymentChallenge.ParseList(string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        var l402 = all.Single(c => c.Scheme == "L402");
        return new Challenge402(payments.Single(p => p.Intent == LightningCharge.Intent), payments.Single(p => p.Intent == LightningSession.Intent),
            l402.Parameters["macaroon"], l402.Parameters["invoice"], all, await response.ReadJsonAsync());
    }

    public static async Task<Challenge402> ChallengeAsync(this HttpClient client, string path = Image) =>
        await ReadChallengeAsync(await client.PostAsJsonAsync(path, new { prompt = "A lighthouse" }));

    /// <summary>Gets a 402, pays it through the dev endpoint, and returns the L402 credential ("L402 mac:preimage").</summary>
    public static async Task<(string Authorization, Challenge402 Challenge, string Preimage)> BuyL402Async(this HttpClient client, string scheme = "L402")
    {
        var challenge = await client.ChallengeAsync();
        var preimage = await client.PayAsync(challenge.PaymentHash);
        return ($"{scheme} {challenge.Macaroon}:{preimage}", challenge, preimage);
    }

    /// <summary>Gets a 402, pays it, and returns the Payment credential echoing its challenge.</summary>
    public static async Task<(string Authorization, Challenge402 Challenge)> BuyPaymentAsync(this HttpClient client)
    {
        var challenge = await client.ChallengeAsync();
        var preimage = await client.PayAsync(challenge.PaymentHash);
        return (new PaymentCredential(challenge.Payment, new() { ["preimage"] = preimage }).ToHeader(), challenge);
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? authorization, object? body = null)
    {
        var message = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return client.SendAsync(message);
    }

    public static Task<HttpResponseMessage> DrawAsync(this HttpClient client, string? authorization) =>
        client.SendAsync(HttpMethod.Post, Image, authorization, new { prompt = "A lighthouse at dusk" });

    public static PaymentReceipt Receipt(HttpResponseMessage response) =>
        PaymentReceipt.Decode(response.Headers.GetValues(PaymentReceipt.HeaderName).Single())!;
}
