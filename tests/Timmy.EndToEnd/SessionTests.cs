using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Timmy.EndToEnd;

/// <summary>Mode 2 over real HTTP: deposit, macaroon, requests against the balance, top-up.</summary>
public sealed class SessionTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task A_session_is_funded_then_spent_with_its_macaroon()
    {
        using var client = server.CreateClient();
        var created = await (await client.PostAsJsonAsync("/api/sessions", new { amount_sats = 500 })).ReadJsonAsync();
        var id = created.GetProperty("sessionId").GetString();
        await client.PostAsync($"/api/dev/stub/pay/{created.GetProperty("invoice").GetProperty("paymentHash").GetString()}", null);
        var active = await (await client.GetAsync($"/api/sessions/{id}")).ReadJsonAsync();
        Assert.Equal("active", active.GetProperty("state").GetString());

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{id}/request")
        {
            Content = JsonContent.Create(new { request = "What is a satoshi?" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", active.GetProperty("macaroon").GetString());
        var response = await client.SendAsync(request);
        var unauthorized = await client.PostAsJsonAsync($"/api/sessions/{id}/request", new { request = "What is a satoshi?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("complete", body.GetProperty("state").GetString());
        Assert.Equal(500 - body.GetProperty("debitedSats").GetInt64(), body.GetProperty("balanceRemaining").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
