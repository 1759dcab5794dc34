using System.Text.Json;
using Microsoft.Extensions.AI;
using Timmy.Api.Http;

namespace Timmy.Api.OpenAI;

/// <summary>
/// A chat completion's <c>messages</c>: roles system, developer, user and assistant; content a string or text parts.
/// Every value is checked for its JSON kind before it is read, so no shape of body can throw: each problem is a
/// <see cref="BodyProblem"/> naming the element.
/// </summary>
internal static class CompletionMessages
{
    public static List<ChatMessage>? Read(JsonElement body, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            problem = new("'messages' is required: a non-empty array of {role, content}", "messages");
            return null;
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var role = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("role", out var r) && TextInput.TryGetText(r, out var name)
                ? name : null;
            ChatRole? chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => null,
            };
            if (chatRole is null)
            {
                problem = new($"messages[{index}].role must be 'system', 'developer', 'user' or 'assistant'", $"messages[{index}].role");
                return null;
            }

            if (ReadContent(item, $"messages[{index}].content", out problem) is not { } text)
            {
                return null;
            }

            messages.Add(new ChatMessage(chatRole.Value, text));
            index++;
        }

        return messages;
    }

    /// <summary>A string, or text parts joined; anything else (images, audio, tool calls are not served) is a problem.</summary>
    private static string? ReadContent(JsonElement message, string param, out BodyProblem? problem)
    {
        problem = null;
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (TextInput.TryGetText(content, out var whole))
        {
            return whole;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            problem = new($"{param} must be a string or an array of text parts", param);
            return null;
        }

        var parts = new List<string>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type)
                || !TextInput.TryGetText(type, out var kind) || kind != "text"
                || !part.TryGetProperty("text", out var text) || !TextInput.TryGetText(text, out var piece))
            {
                problem = new($"{param}[{index}] must be a text part, {{\"type\": \"text\", \"text\": \"…\"}}: only text is served", param);
                return null;
            }

            parts.Add(piece);
            index++;
        }

        return string.Concat(parts);
    }
}
