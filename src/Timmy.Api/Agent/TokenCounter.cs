using Microsoft.ML.Tokenizers;

namespace Timmy.Api.Agent;

/// <summary>
/// Counts tokens with a real BPE tokenizer (o200k_base, shipped as package data). Claude's tokenizer is
/// not public; o200k is a close, honest estimate, and the real counts come from the model's usage.
/// </summary>
public sealed class TokenCounter
{
    private readonly Lazy<Tokenizer> _tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.Value.CountTokens(text);
}
