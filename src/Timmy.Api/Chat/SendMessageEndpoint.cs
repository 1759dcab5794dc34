using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.Chat;

/// <summary><c>POST /api/gemini/conversations/{id}/messages</c>: stores the message, then streams the reply.</summary>
internal static partial class SendMessageEndpoint
{
    public const string InvalidModel = "Invalid request: 'model' must be a model name such as gemini-3-flash-preview";

    public static async Task<Results<ChatReplyStream, BadRequest<ApiError>, NotFound<ApiError>>> SendMessageAsync(
        string id, HttpRequest http, TimmyDbContext db, IOptions<ChatSettings> settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!ChatApi.TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(ChatApi.InvalidConversationId);
        }

        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        string? error = body.Error;
        var content = body.IsValid ? TextInput.ReadRequiredText(body.Value, "content", settings.Value.MaxMessageChars, out error) : null;
        var model = error is null ? ReadModel(body.Value, settings.Value.Model, out error) : null;
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, cancellationToken))
        {
            return ApiErrors.NotFound(ChatApi.ConversationNotFound);
        }

        // Stored before the model is called, so the question survives whatever happens to the answer.
        db.Messages.Add(new Message
        {
            ConversationId = conversationId,
            Role = Message.UserRole,
            Content = content!,
            IsComplete = true,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return new ChatReplyStream(conversationId, model!);
    }

    /// <summary>The optional override. It becomes part of the provider's URL, so only plain model names pass.</summary>
    private static string? ReadModel(JsonElement body, string defaultModel, out string? error)
    {
        error = null;
        if (!body.TryGetProperty("model", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return defaultModel;
        }

        if (value.ValueKind == JsonValueKind.String && ModelName().IsMatch(value.GetString()!))
        {
            return value.GetString();
        }

        error = InvalidModel;
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")] // \z, not $: $ also matches before a final newline
    private static partial Regex ModelName();
}
