using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Chat;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>Gemini's blocks and refusals reach the client with their reason; thinking tokens count as output.</summary>
public sealed class GeminiRefusalTests : IAsyncLifetime
{
    private FakeGeminiServer _gemini = null!;
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartAsync();
        _factory = GeminiFactory.For(_gemini);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task A_blocked_prompt_is_an_error_event_with_geminis_block_reason()
    {
        _gemini.BlockReason = "PROHIBITED_CONTENT";
        var id = await _client.CreateConversationAsync();

        var events = await _client.SendMessageAsync(id, "something forbidden");

        Assert.Equal("Gemini blocked the prompt: PROHIBITED_CONTENT", ChatApiClient.ErrorOf(events));
    }

    [Theory]
    [InlineData("LANGUAGE")]
    [InlineData("SAFETY")]
    public async Task A_reply_gemini_stops_for_a_refusal_reason_is_an_error_event_naming_it(string reason)
    {
        _gemini.FinishReason = reason;
        _gemini.Chunks = [""];
        var id = await _client.CreateConversationAsync();

        var events = await _client.SendMessageAsync(id, "hi");

        Assert.Equal($"Gemini declined to answer: {reason}", ChatApiClient.ErrorOf(events));
    }

    [Theory]
    [InlineData("NO_IMAGE")]
    [InlineData("IMAGE_PROHIBITED_CONTENT")]
    [InlineData("IMAGE_RECITATION")]
    [InlineData("IMAGE_OTHER")]
    public async Task An_image_gemini_refuses_is_a_502_naming_the_reason(string reason)
    {
        _gemini.FinishReason = reason;
        _gemini.Chunks = [""];

        var response = await _client.PostAsJsonAsync("/api/gemini/generate-image", new { prompt = "anything" });

        Assert.Equal($"Image generation failed: Gemini declined to answer: {reason}", await response.AssertErrorAsync(HttpStatusCode.BadGateway));
    }

    [Fact]
    public async Task A_thinking_models_thought_tokens_count_as_output()
    {
        _gemini.ThoughtsTokens = 40;
        var chat = _factory.Services.GetRequiredKeyedService<IChatClient>(ChatKeys.Chat);

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Think, then say hello")]);
        var streamed = await chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Think, then say hello")]).ToChatResponseAsync();

        Assert.Equal(43L, response.Usage?.OutputTokenCount);
        Assert.Equal(43L, streamed.Usage?.OutputTokenCount);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _gemini.DisposeAsync();
    }
}
