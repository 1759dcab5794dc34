namespace Timmy.Api.OpenAI;

/// <summary>Settings of the OpenAI-compatible /v1 routes (section "OpenAI").</summary>
public sealed class OpenAIOptions
{
    public const string Section = "OpenAI";

    /// <summary>The most output tokens one completion may ask for (<c>max_tokens</c>): the model's cap on this surface.</summary>
    public int MaxTokens { get; set; } = 4096;

    /// <summary>What a completion that names no <c>max_tokens</c> reserves and is allowed; never more than <see cref="MaxTokens"/>.</summary>
    public int DefaultMaxTokens { get; set; } = 1024;

    /// <summary>The most images one <c>/v1/images/generations</c> request may ask for (<c>n</c>).</summary>
    public int MaxImagesPerRequest { get; set; } = 4;

    /// <summary>The output allowance a request without <c>max_tokens</c> gets: the default, within the cap.</summary>
    public int DefaultOutputTokens => Math.Min(DefaultMaxTokens, MaxTokens);

    public static string? Validate(OpenAIOptions options) =>
        options.MaxTokens < 1 ? "OpenAI:MaxTokens must be at least 1"
        : options.DefaultMaxTokens < 1 ? "OpenAI:DefaultMaxTokens must be at least 1"
        : options.DefaultMaxTokens > options.MaxTokens ? "OpenAI:DefaultMaxTokens must not exceed OpenAI:MaxTokens (the model's cap)"
        : options.MaxImagesPerRequest < 1 ? "OpenAI:MaxImagesPerRequest must be at least 1"
        : null;
}
