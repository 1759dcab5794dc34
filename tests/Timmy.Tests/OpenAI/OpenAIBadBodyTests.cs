using System.Net;
using System.Text.Json;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>A /v1 body Timmy cannot serve is a 400 in OpenAI's shape naming its field, and costs nothing.</summary>
public sealed class OpenAIBadBodyTests : IDisposable
{
    private readonly TimmyFactory _factory = new() { Settings = { ["Sessions:MinimumBalanceSats"] = "1" } };

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"timmy-offline-1","messages":[]}""", "messages")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"tool","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":42}]}""", "messages[0].content")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":5000}""", "max_completion_tokens")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"stop":[1]}""", "stop")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":""", null)]
    // Values of the wrong JSON kind, or strings that are not text (a lone surrogate escape), where reading them would throw.
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":[{"type":1,"text":"x"}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":[{"type":"text","text":"\ud800"}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"\ud800"}]}""", "messages[0].content")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"\ud800","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"\ud800","messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"n":"1"}""", "n")]
    [InlineData("""{"model":"timmy-offline-1","messages":[{"role":"user","content":"hi"}],"stop":["\ud800"]}""", "stop")]
    public async Task A_bad_body_is_a_400_naming_its_param_and_costs_nothing(string body, string? param)
    {
        var (error, sessionId) = await PostWithAKeyAsync(V1Client.Completions, body);

        Assert.Equal("invalid_request_error", error.Str("type"));
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.Str("param"));
        Assert.Equal(1000, (await _factory.SessionAsync(sessionId)).BalanceSats);
    }

    [Theory]
    [InlineData("""{"prompt":"x","response_format":"url"}""", "response_format")]
    [InlineData("""{"prompt":"x","n":5}""", "n")]
    [InlineData("""{"prompt":"x","size":"huge"}""", "size")]
    [InlineData("""{"n":1}""", "prompt")]
    [InlineData("""{"prompt":"x","size":"\ud800"}""", "size")]
    [InlineData("""{"prompt":"x","model":"\ud800"}""", "model")]
    [InlineData("""{"prompt":"x","model":1}""", "model")]
    public async Task A_bad_image_request_is_a_400_in_OpenAI_shape(string body, string param)
    {
        var (error, _) = await PostWithAKeyAsync(V1Client.Images, body);

        Assert.Equal(param, error.Str("param"));
    }

    /// <summary>Posts the raw body with a paid key (so that it is read); the 400's error object and the key's balance.</summary>
    private async Task<(JsonElement Error, Guid SessionId)> PostWithAKeyAsync(string path, string body)
    {
        var client = _factory.CreateClient();
        var (authorization, sessionId) = await client.BuyKeyAsync(_factory);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return (await (await client.SendAsync(request)).AssertOpenAIErrorAsync(HttpStatusCode.BadRequest), sessionId);
    }

    public void Dispose() => _factory.Dispose();
}
