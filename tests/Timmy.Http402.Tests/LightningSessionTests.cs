using System.Text;
using System.Text.Json.Nodes;

namespace Timmy.Http402.Tests;

/// <summary>The session intent's request and payload, against the vectors' session cases.</summary>
public sealed class LightningSessionTests
{
    [Fact]
    public void A_session_request_is_written_in_the_canonical_form_of_the_vectors()
    {
        var request = new LightningSession(3, "aa11bb22", "lnbc500n1p", 5000, 900, "token").ToRequestParameter();

        Assert.Equal(Vectors.Case("canonicalization", "session request").Str("canonical"), Encoding.UTF8.GetString(Base64Url.Decode(request)));
    }

    [Fact]
    public void The_vectors_session_challenge_request_reads_and_writes_back_unchanged()
    {
        var request = Vectors.Case("challengeHeaders", "session challenge with every parameter").GetProperty("params").Str("request")!;

        var session = LightningSession.FromRequestParameter(request)!;

        Assert.Equal(new LightningSession(3, "aa11bb22", "lnbc500n1pexample", 5000, 900, "token"), session);
        Assert.Equal(request, session.ToRequestParameter());
    }

    [Theory]
    [InlineData("{\"amount\":3,\"currency\":\"sat\",\"paymentHash\":\"aa\"}")]
    [InlineData("{\"amount\":\"3\",\"currency\":\"usd\",\"paymentHash\":\"aa\"}")]
    [InlineData("{\"amount\":\"-3\",\"currency\":\"sat\",\"paymentHash\":\"aa\"}")]
    [InlineData("{\"amount\":\"3\",\"currency\":\"sat\"}")]
    [InlineData("[1]")]
    public void A_request_that_is_not_a_sat_session_with_a_payment_hash_reads_as_null(string json)
    {
        Assert.Null(LightningSession.FromRequestParameter(Base64Url.Encode(Encoding.UTF8.GetBytes(json))));
        Assert.Null(LightningSession.FromRequestParameter("not base64url!"));
    }

    [Theory]
    [InlineData("session open credential with a source", "open")]
    [InlineData("session bearer credential", "bearer")]
    public void The_vectors_session_credentials_carry_a_session_payload(string name, string action)
    {
        var credential = PaymentCredential.Parse(Vectors.Case("credentials", name).Str("header"), out _)!;

        var payload = SessionPayload.From(credential.Payload)!;

        Assert.Equal((LightningSession.Intent, action), (credential.Challenge.Intent, payload.Action));
        Assert.Equal(Jcs.Canonicalize((object)credential.Payload), Jcs.Canonicalize((object)payload.ToJson()));
    }

    [Fact]
    public void A_payload_without_one_of_the_four_actions_is_not_a_session_payload()
    {
        Assert.Null(SessionPayload.From(new JsonObject { ["action"] = "withdraw" }));
        Assert.Null(SessionPayload.From(new JsonObject { ["preimage"] = "aa" }));
        var topUp = new SessionPayload(SessionPayload.TopUp, SessionId: "aa", TopUpPreimage: "bb");
        Assert.Equal(topUp, SessionPayload.From(topUp.ToJson()));
    }
}
