using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Timmy.Api.Http;

/// <summary>Validation shared by every free-text field a client sends (job requests, demo prompts).</summary>
public static class TextInput
{
    /// <summary>
    /// Reads a required string property. Returns the text, or null with <paramref name="error"/> set.
    /// <paramref name="missingMessage"/> is used for an absent or non-string value.
    /// </summary>
    public static string? ReadRequiredString(JsonElement body, string property, string missingMessage, out string? error)
    {
        error = null;
        if (!body.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
        {
            error = missingMessage;
            return null;
        }

        if (!TryGetText(value, out var text))
        {
            error = $"Invalid request: '{property}' is not valid Unicode text";
        }

        return text;
    }

    /// <summary>
    /// A JSON string's text; false for any other kind of value, and for a string that is not text: lone surrogate
    /// escapes such as "\ud800" parse as JSON, but reading them throws.
    /// </summary>
    public static bool TryGetText(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads a JSON body and its required text field, validated; returns the text or an error message.</summary>
    public static async Task<(string? Text, string? Error)> ReadFieldAsync(
        HttpRequest http, string field, string missingMessage, int maxChars, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        if (!body.IsValid)
        {
            return (null, body.Error);
        }

        var text = ReadRequiredString(body.Value, field, missingMessage, out var error);
        error ??= Validate(text!, field, maxChars);
        return error is null ? (text, null) : (null, error);
    }

    /// <summary>
    /// Reads a required string property and validates it: the usual pair for one free-text field.
    /// Returns the text, or null with <paramref name="error"/> set.
    /// </summary>
    public static string? ReadRequiredText(JsonElement body, string property, int maxChars, out string? error)
    {
        var text = ReadRequiredString(body, property, $"Invalid request: '{property}' string is required", out error);
        error ??= Validate(text!, property, maxChars);
        return error is null ? text : null;
    }

    /// <summary>Checks emptiness, length and control characters; returns an error message or null.</summary>
    public static string? Validate(string text, string field, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"Invalid request: '{field}' must not be empty";
        }

        if (text.Length > maxChars)
        {
            return $"Invalid request: '{field}' must be at most {maxChars} characters (got {text.Length})";
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) && rune.Value is not ('\n' or '\r' or '\t'))
            {
                return $"Invalid request: '{field}' contains a control character (U+{rune.Value:X4})";
            }
        }

        if (!IsWellFormedUtf16(text))
        {
            return $"Invalid request: '{field}' is not valid Unicode text";
        }

        return null;
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
