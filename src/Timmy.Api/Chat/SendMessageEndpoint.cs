using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.Chat;

/// <summary><c>POST /api/gemini/conversations/{id}/messages</c>: stores the message, then streams the reply.</summary>
internal static partial class SendMessageEndpoint
{
    public const string InvalidModel = "Invalid request: 'model' must be a model name such as gemini-3-flash-preview";

    /// <summary>
    /// Checked and reserved before anything is stored: the message's worst case (its bounded history in, the whole
    /// reply allowance out) is held back from the balance, or the answer is a 402 that tops the balance up.
    /// </summary>
    public static async Task<IResult> SendMessageAsync(
        string id, HttpContext httpContext, TimmyDbContext db, IOptions<ChatSettings> settings, ChatCosts costs, BalanceMeter meter,
        Challenges challenges, TimeProvider clock, CancellationToken cancellationToken)
    {
        var http = httpContext.Request;
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

        if (!await db.Visible(httpContext).AnyAsync(c => c.Id == conversationId, cancellationToken))
        {
            return ApiErrors.NotFound(ChatApi.ConversationNotFound);
        }

        var history = await ChatReplyStream.LoadHistoryAsync(db, conversationId, settings.Value.MaxHistoryMessages - 1, cancellationToken);
        var inputs = history.Select(m => m.Text).Append(content!).ToList();
        MeterReservation? reservation = null;
        if (httpContext.PaidBalanceOrNull() is { } balance)
        {
            var worstCase = await costs.WorstCaseSatsAsync(model!, inputs, cancellationToken);
            reservation = await meter.ReserveAsync(balance.SessionId, $"chat message in conversation {conversationId}", worstCase, cancellationToken);
            if (reservation is null)
            {
                return await challenges.PaymentRequiredAsync(httpContext, worstCase,
                    $"Insufficient balance: this message may cost up to {worstCase} sats; pay the invoice to top up", balance.SessionId, cancellationToken);
            }
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
        // Not the request's token: once reserved, the reservation is settled whatever the client does.
        await db.SaveChangesAsync(reservation is null ? cancellationToken : CancellationToken.None);
        return new ChatReplyStream(conversationId, model!, reservation);
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
