using System.Net;
using System.Net.Http.Json;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>Image generation through the API with the real Gemini client, against a fake Gemini.</summary>
public sealed class GeminiImageTests : IAsyncLifetime
{
    private const string GenerateImage = "/api/gemini/generate-image";
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");

    private FakeGeminiServer _gemini = null!;
    private TimmyFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartAsync();
        _gemini.Image = TinyPng;
        _factory = GeminiFactory.For(_gemini);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task The_image_comes_from_geminis_inline_data_as_b64_json()
    {
        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt = "A tiny red square" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(TinyPng, Convert.FromBase64String(body.Str("b64_json")));
        Assert.Equal("image/png", body.Str("mimeType"));
    }

    [Fact]
    public async Task The_request_asks_the_image_model_for_text_and_image()
    {
        await _client.PostAsJsonAsync(GenerateImage, new { prompt = "A tiny red square" });

        var call = Assert.Single(_gemini.Calls);
        Assert.Equal(("gemini-2.5-flash-image", "generateContent"), (call.Model, call.Method));
        Assert.Equal([("user", "A tiny red square")], call.Turns);
        Assert.Equal(["TEXT", "IMAGE"],
            call.Body.GetProperty("generationConfig").GetProperty("responseModalities").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_gemini_error_is_a_502_json_error_in_timmys_words()
    {
        _gemini.Failure = GeminiFailure.InvalidArgument;

        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt = "anything" });

        // Gemini's own words stay in the log, under the reference (see PublicFailureTests).
        Assert.StartsWith(
            "Image generation failed: The model provider refused the request (ref ",
            await response.AssertErrorAsync(HttpStatusCode.BadGateway));
    }

    [Fact]
    public async Task An_answer_with_text_and_no_image_is_a_502_that_passes_the_text_on()
    {
        _gemini.Image = null;
        _gemini.Chunks = ["I can't draw that."];

        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt = "anything" });

        Assert.Equal("The image model returned no image: I can't draw that.", await response.AssertErrorAsync(HttpStatusCode.BadGateway));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _gemini.DisposeAsync();
    }
}
