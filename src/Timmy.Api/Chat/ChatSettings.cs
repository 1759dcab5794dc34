namespace Timmy.Api.Chat;

/// <summary>Settings of the /api/gemini chat and image endpoints (section "Chat").</summary>
public sealed class ChatSettings
{
    public const string Section = "Chat";

    /// <summary>Which chat provider answers: "offline" (embedded), "gemini", or "agent" (the agent's work model).</summary>
    public string Provider { get; set; } = "offline";

    /// <summary>The model a message gets when it names none (the original service's default).</summary>
    public string Model { get; set; } = "gemini-3-flash-preview";

    /// <summary>Which image provider draws: "offline" (a picture derived from the prompt) or "gemini".</summary>
    public string ImageProvider { get; set; } = "offline";

    public string ImageModel { get; set; } = "gemini-2.5-flash-image";

    public int MaxTitleChars { get; set; } = 200;

    public int MaxMessageChars { get; set; } = 8000;

    public int MaxPromptChars { get; set; } = 4000;

    /// <summary>
    /// True: chat and images are open to anyone and conversations are global, as in the seed (for operators who put
    /// Timmy behind their own authentication). Off by default; a warning at startup when on.
    /// </summary>
    public bool Free { get; set; }

    /// <summary>The price of one generated image, in sats.</summary>
    public long ImagePriceSats { get; set; } = 50;

    /// <summary>The most tokens a reply may use: the model is told so, and a message reserves it as its worst case.</summary>
    public int MaxReplyTokens { get; set; } = 1024;

    /// <summary>How many of the latest messages (the new one included) the model is given.</summary>
    public int MaxHistoryMessages { get; set; } = 20;

    /// <summary>The most items one page of a listing holds (<c>?limit=</c>, default this).</summary>
    public int MaxPageSize { get; set; } = 100;
}
