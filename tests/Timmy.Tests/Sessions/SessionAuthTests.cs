using System.Net;
using Timmy.Macaroons;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>Only the session's own macaroon, signed by this server and unaltered, is accepted.</summary>
public sealed class SessionAuthTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task The_sessions_own_macaroon_is_accepted()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).StatusCode);
    }

    [Fact]
    public async Task A_missing_macaroon_is_a_401()
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync();

        Assert.Contains("Missing macaroon", await (await client.SessionRequestAsync(id, null, "hi")).AssertErrorAsync(HttpStatusCode.Unauthorized));
        await (await client.TopupAsync(id, null, 100)).AssertErrorAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>The credential filter guards the whole group: every endpoint acting on the balance, not only those tested one by one.</summary>
    [Fact]
    public async Task Every_endpoint_acting_on_the_balance_needs_the_macaroon_and_an_unknown_session_is_a_404_first()
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync();
        var unknown = Guid.NewGuid().ToString();
        var invoice = RefundInvoices.Mint(1000);

        foreach (var session in new[] { id, unknown })
        {
            var status = session == id ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound;
            await (await client.SessionRequestAsync(session, null, "hi")).AssertErrorAsync(status);
            await (await client.TopupAsync(session, null, 100)).AssertErrorAsync(status);
            await (await client.WithdrawAsync(session, null, invoice)).AssertErrorAsync(status);
            await (await client.GetAsync($"/api/sessions/{session}/withdrawals")).AssertErrorAsync(status);
        }
    }

    [Fact]
    public async Task Every_single_character_change_to_the_macaroon_is_a_401()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (var i = 0; i < macaroon.Length; i++)
        {
            var replacement = alphabet[(alphabet.IndexOf(macaroon[i]) + 7) % alphabet.Length];
            var tampered = macaroon[..i] + replacement + macaroon[(i + 1)..];
            var response = await client.SessionRequestAsync(id, tampered, "hi");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"a change at {i} was accepted: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Truncated_macaroons_are_401s()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        foreach (var length in new[] { 0, 1, 10, macaroon.Length / 2, macaroon.Length - 1 })
        {
            await (await client.SessionRequestAsync(id, macaroon[..length], "hi")).AssertErrorAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Another_sessions_macaroon_is_a_401()
    {
        var client = _factory.CreateClient();
        var (first, _) = await client.ActiveSessionAsync();
        var (_, second) = await client.ActiveSessionAsync();

        var response = await client.SessionRequestAsync(first, second, "hi");

        Assert.Contains("not issued for this session", await response.AssertErrorAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_macaroon_minted_with_another_root_key_is_a_401()
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync();
        var foreign = Macaroon.Create(new byte[32], "timmy-session:v1:" + Guid.Parse(id).ToString("N"), "timmy")
            .AddFirstPartyCaveat($"session = {Guid.Parse(id):N}")
            .Serialize();

        var response = await client.SessionRequestAsync(id, foreign, "hi");

        Assert.Contains("do not verify", await response.AssertErrorAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_macaroon_with_an_extra_caveat_the_server_does_not_know_is_a_401()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();
        var attenuated = Macaroon.Deserialize(macaroon).AddFirstPartyCaveat("time < 2000-01-01T00:00:00Z").Serialize();

        await (await client.SessionRequestAsync(id, attenuated, "hi")).AssertErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer !!!!")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer AgEFdGltbXk")]
    public async Task Garbage_authorization_is_a_401(string header)
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync();
        var message = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{id}/request")
        {
            Content = new StringContent("""{"request":"hi"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.TryAddWithoutValidation("Authorization", header);

        await (await client.SendAsync(message)).AssertErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_root_key_survives_a_restart()
    {
        var name = $"timmy_restart_{Guid.NewGuid():N}";
        string id, macaroon;
        using (var before = new TimmyFactory { DatabaseName = name, KeepDatabase = true })
        {
            (id, macaroon) = await before.CreateClient().ActiveSessionAsync();
        }

        using var after = new TimmyFactory { DatabaseName = name };
        var response = await after.CreateClient().SessionRequestAsync(id, macaroon, "What is a satoshi?");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_root_key_signs_the_macaroons()
    {
        var rootKey = new string('7', 64);
        using var factory = new TimmyFactory { Settings = { ["Sessions:MacaroonRootKey"] = rootKey } };
        var (id, macaroon) = await factory.CreateClient().ActiveSessionAsync();

        var verdict = new MacaroonVerifier().SatisfyExact($"session = {Guid.Parse(id):N}")
            .Verify(Macaroon.Deserialize(macaroon), Convert.FromHexString(rootKey));

        Assert.True(verdict.IsAuthorized);
    }

    public void Dispose() => _factory.Dispose();
}
