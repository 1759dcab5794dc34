using System.Net;
using System.Text.Json;

namespace Timmy.Api.Chat.Gemini;

/// <summary>Gemini answered with its error JSON; the message keeps its code, status and text.</summary>
public sealed class GeminiApiException(string message, HttpStatusCode? statusCode, string? status)
    : HttpRequestException(message, null, statusCode)
{
    /// <summary>Gemini's status name, such as RESOURCE_EXHAUSTED or INVALID_ARGUMENT.</summary>
    public string? Status { get; } = status;

    /// <summary>Gemini answered and declined (see <see cref="Refused"/>), as opposed to failing.</summary>
    public bool IsRefusal => Status == RefusedStatus;

    private const string RefusedStatus = "REFUSED";

    public static GeminiApiException From(GeminiError error) =>
        new($"Gemini error {error.Code} {error.Status}: {error.Message}", (HttpStatusCode)error.Code, error.Status);

    /// <summary>Gemini answered, but declined: the prompt was blocked or the answer stopped for a policy reason.</summary>
    public static GeminiApiException Refused(string reason, string? detail) =>
        new(string.IsNullOrWhiteSpace(detail) ? reason : $"{reason} ({detail})", null, RefusedStatus);

    public static async Task<GeminiApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (TryParse(body) is { } error)
        {
            return From(error);
        }

        // Not Gemini's JSON (a proxy's page, say): report the status and the start of what came back.
        var excerpt = body.Length > 200 ? body[..200] : body;
        return new($"Gemini error {(int)response.StatusCode} {response.ReasonPhrase}: {excerpt}", response.StatusCode, null);
    }

    private static GeminiError? TryParse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<GeminiErrorEnvelope>(body, GeminiJson.Options)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
