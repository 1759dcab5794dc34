using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Timmy.Tests.Infrastructure;

/// <summary>Steps of the session flow over a real HttpClient.</summary>
public static class SessionClient
{
    public static async Task<JsonElement> CreateSessionAsync(this HttpClient client, long amountSats)
    {
        var response = await client.PostAsJsonAsync("/api/sessions", new { amount_sats = amountSats });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> GetSessionAsync(this HttpClient client, string sessionId)
    {
        var response = await client.GetAsync($"/api/sessions/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The deposit preimages learnt by paying, by session id: with the macaroon they make the L402 credential that withdraws.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> DepositPreimages = new();

    public static string DepositPreimage(string sessionId) => DepositPreimages[sessionId];

    /// <summary>For deposits paid elsewhere (a fake node's wallet), so withdrawals can prove the payment.</summary>
    public static void RememberDepositPreimage(string sessionId, string preimage) => DepositPreimages[sessionId] = preimage;

    /// <summary>Creates a session, pays its deposit, and returns (id, macaroon).</summary>
    public static async Task<(string Id, string Macaroon)> ActiveSessionAsync(this HttpClient client, long amountSats = 1000)
    {
        var created = await client.CreateSessionAsync(amountSats);
        DepositPreimages[created.Str("sessionId")] = await client.PayAsync(created.Str("invoice", "paymentHash"));
        var session = await client.GetSessionAsync(created.Str("sessionId"));
        Assert.Equal("active", session.Str("state"));
        return (created.Str("sessionId"), session.Str("macaroon"));
    }

    public static Task<HttpResponseMessage> SessionRequestAsync(this HttpClient client, string sessionId, string? macaroon, string request) =>
        client.SendAsync(WithMacaroon(HttpMethod.Post, $"/api/sessions/{sessionId}/request", macaroon, JsonContent.Create(new { request })));

    /// <summary>Withdraws with the L402 form (the macaroon with the deposit's preimage), the proof of payment a withdrawal needs.</summary>
    public static Task<HttpResponseMessage> WithdrawAsync(this HttpClient client, string sessionId, string? macaroon, string invoice)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{sessionId}/withdraw") { Content = JsonContent.Create(new { invoice }) };
        if (macaroon is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization",
                DepositPreimages.TryGetValue(sessionId, out var preimage) ? $"L402 {macaroon}:{preimage}" : $"Bearer {macaroon}");
        }

        return client.SendAsync(message);
    }

    /// <summary>Withdraws with the bearer macaroon alone (which spends but may not withdraw).</summary>
    public static Task<HttpResponseMessage> WithdrawWithBearerAsync(this HttpClient client, string sessionId, string macaroon, string invoice) =>
        client.SendAsync(WithMacaroon(HttpMethod.Post, $"/api/sessions/{sessionId}/withdraw", macaroon, JsonContent.Create(new { invoice })));

    /// <summary>The session's withdrawals, newest first (<c>GET /api/sessions/{id}/withdrawals</c>).</summary>
    public static async Task<JsonElement> WithdrawalsAsync(this HttpClient client, string sessionId, string macaroon)
    {
        var response = await client.SendAsync(WithMacaroon(HttpMethod.Get, $"/api/sessions/{sessionId}/withdrawals", macaroon, null));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("withdrawals");
    }

    public static Task<HttpResponseMessage> TopupAsync(this HttpClient client, string sessionId, string? macaroon, long amountSats) =>
        client.SendAsync(WithMacaroon(HttpMethod.Post, $"/api/sessions/{sessionId}/topup", macaroon, JsonContent.Create(new { amount_sats = amountSats })));

    private static HttpRequestMessage WithMacaroon(HttpMethod method, string path, string? macaroon, HttpContent? content)
    {
        var message = new HttpRequestMessage(method, path) { Content = content };
        if (macaroon is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", macaroon);
        }

        return message;
    }
}
