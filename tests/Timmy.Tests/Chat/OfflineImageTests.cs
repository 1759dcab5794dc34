using System.Net;
using System.Net.Http.Json;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

public sealed class OfflineImageTests : IDisposable
{
    private const string GenerateImage = "/api/gemini/generate-image";
    private readonly TimmyFactory _factory = new() { Settings = { ["Chat:Free"] = "true" } };
    private readonly HttpClient _client;

    public OfflineImageTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task The_offline_generator_returns_a_valid_256_pixel_png()
    {
        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt = "A lighthouse at dusk" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("image/png", body.Str("mimeType"));
        var png = PngDecoder.Decode(Convert.FromBase64String(body.Str("b64_json")));
        Assert.Equal((256, 256), (png.Width, png.Height));
        Assert.Equal(["IHDR", "IDAT", "IEND"], png.ChunkTypes);
    }

    [Fact]
    public async Task The_picture_is_a_picture_not_a_flat_colour()
    {
        var png = await GenerateAsync("A lighthouse at dusk");

        var colours = Enumerable.Range(0, png.Height).SelectMany(y => Enumerable.Range(0, png.Width).Select(x => png.PixelAt(x, y))).Distinct().Count();
        Assert.True(colours > 20, $"expected a gradient and shapes, got {colours} colours");
    }

    [Fact]
    public async Task The_same_prompt_gives_the_same_picture_and_another_prompt_a_different_one()
    {
        var first = await GenerateBase64Async("A red fox in snow");
        var again = await GenerateBase64Async("A red fox in snow");
        var other = await GenerateBase64Async("A blue whale at night");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(PngDecoder.Decode(Convert.FromBase64String(first)).Pixels, PngDecoder.Decode(Convert.FromBase64String(other)).Pixels);
    }

    [Theory]
    [InlineData("{}", "Invalid request: 'prompt' string is required")]
    [InlineData("""{"prompt": ""}""", "Invalid request: 'prompt' must not be empty")]
    [InlineData("""{"prompt": "   "}""", "Invalid request: 'prompt' must not be empty")]
    [InlineData("""{"prompt": ["a"]}""", "Invalid request: 'prompt' string is required")]
    [InlineData("""{"prompt": "x""", "Malformed JSON")]
    [InlineData("", "Request body is required")]
    public async Task A_missing_or_empty_prompt_is_a_400(string body, string expected)
    {
        var response = await _client.PostRawAsync(GenerateImage, body);

        Assert.Contains(expected, await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_prompt_sent_as_a_form_is_a_400()
    {
        var response = await _client.PostRawAsync(GenerateImage, "prompt=cat", "application/x-www-form-urlencoded");

        Assert.Contains("Content-Type must be application/json", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_prompt_over_the_limit_is_refused()
    {
        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt = new string('p', 4001) });

        Assert.Contains("at most 4000 characters", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    private async Task<DecodedPng> GenerateAsync(string prompt) => PngDecoder.Decode(Convert.FromBase64String(await GenerateBase64Async(prompt)));

    private async Task<string> GenerateBase64Async(string prompt)
    {
        var response = await _client.PostAsJsonAsync(GenerateImage, new { prompt });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).Str("b64_json");
    }

    public void Dispose() => _factory.Dispose();
}
