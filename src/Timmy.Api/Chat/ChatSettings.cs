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
}
