namespace Timmy.Api.Chat.Gemini;

/// <summary>Connection to Gemini's REST API (section "Chat:Gemini").</summary>
public sealed class GeminiOptions
{
    public const string Section = "Chat:Gemini";

    /// <summary>Sent as <c>x-goog-api-key</c>. Also read from GEMINI_API_KEY or GOOGLE_API_KEY.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where the API lives; tests point it at a fake on loopback.</summary>
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";

    /// <summary>How long to wait for the answer to start; a stream may then run for longer.</summary>
    public int TimeoutSeconds { get; set; } = 120;
}
