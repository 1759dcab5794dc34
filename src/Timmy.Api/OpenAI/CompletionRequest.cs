using System.Text.Json;
using Microsoft.Extensions.AI;
using Timmy.Api.Http;

namespace Timmy.Api.OpenAI;

/// <summary>A problem with a request body: what is wrong, and which field (OpenAI's <c>param</c>).</summary>
public sealed record BodyProblem(string Message, string? Param);

/// <summary>
/// The part of OpenAI's chat completion request Timmy serves: model, messages (system, developer, user, assistant; text
/// content as a string or text parts), max_tokens or max_completion_tokens, temperature, stop, stream and
/// stream_options.include_usage. Other fields are ignored, as OpenAI-compatible servers do.
/// </summary>
public sealed record CompletionRequest(
    string Model, IReadOnlyList<ChatMessage> Messages, int MaxTokens, float? Temperature, IList<string>? Stop, bool Stream, bool IncludeUsage)
{
    private const int MaxStopSequences = 4;

    public static CompletionRequest? Read(JsonElement body, OpenAIOptions options, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty("model", out var value) || !TextInput.TryGetText(value, out var model) || model.Length == 0)
        {
            problem = new("'model' is required: a model id from GET /v1/models", "model");
            return null;
        }

        var messages = CompletionMessages.Read(body, out problem);
        var maxTokens = problem is null ? ReadMaxTokens(body, options, out problem) : 0;
        var temperature = problem is null ? ReadTemperature(body, out problem) : null;
        var stop = problem is null ? ReadStop(body, out problem) : null;
        var stream = problem is null ? ReadBool(body, "stream", out problem) : false;
        var includeUsage = problem is null && body.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && streamOptions.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
        if (problem is null && body.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null
            && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count) && count == 1))
        {
            problem = new("Only 'n': 1 is supported", "n");
        }

        return problem is null ? new CompletionRequest(model!, messages!, maxTokens, temperature, stop, stream, includeUsage) : null;
    }

    private static int ReadMaxTokens(JsonElement body, OpenAIOptions options, out BodyProblem? problem)
    {
        problem = null;
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var tokens) && tokens >= 1 && tokens <= options.MaxTokens)
            {
                return tokens;
            }

            problem = new($"'{name}' must be an integer from 1 to {options.MaxTokens}", name);
            return 0;
        }

        return options.DefaultOutputTokens;
    }

    private static float? ReadTemperature(JsonElement body, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty("temperature", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var t) && t is >= 0 and <= 2)
        {
            return (float)t;
        }

        problem = new("'temperature' must be a number from 0 to 2", "temperature");
        return null;
    }

    private static List<string>? ReadStop(JsonElement body, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty("stop", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (TextInput.TryGetText(value, out var one))
        {
            return [one];
        }

        var many = value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= MaxStopSequences
            ? value.EnumerateArray().Select(s => TextInput.TryGetText(s, out var text) ? text : null).ToList()
            : null;
        if (many is not null && many.All(s => s is not null))
        {
            return many!;
        }

        problem = new($"'stop' must be a string or an array of at most {MaxStopSequences} strings", "stop");
        return null;
    }

    private static bool ReadBool(JsonElement body, string name, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        problem = new($"'{name}' must be a boolean", name);
        return false;
    }

    public ChatOptions ToChatOptions() => new()
    {
        ModelId = Model, MaxOutputTokens = MaxTokens, Temperature = Temperature, StopSequences = Stop,
    };
}
