using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.Chat;

/// <summary>The original service's /api/gemini routes: conversations, their messages, and image generation.</summary>
public static class ChatApi
{
    public const string ConversationNotFound = "Conversation not found";
    public const string InvalidConversationId = "Invalid conversation id: expected a positive integer";

    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/gemini").WithTags("gemini");
        group.MapGet("/conversations", ListConversationsAsync).WithName("listGeminiConversations");
        group.MapPost("/conversations", CreateConversationAsync).WithName("createGeminiConversation");
        group.MapGet("/conversations/{id}", GetConversationAsync).WithName("getGeminiConversation");
        group.MapDelete("/conversations/{id}", DeleteConversationAsync).WithName("deleteGeminiConversation");
        group.MapGet("/conversations/{id}/messages", ListMessagesAsync).WithName("listGeminiMessages");
        group.MapPost("/conversations/{id}/messages", SendMessageEndpoint.SendMessageAsync).WithName("sendGeminiMessage");
        group.MapPost("/generate-image", GenerateImageEndpoint.GenerateImageAsync).WithName("generateGeminiImage");
        return group;
    }

    /// <summary>Ids are positive integers; anything else is a client mistake, never a server error.</summary>
    internal static bool TryParseId(string raw, out int id) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static async Task<Ok<List<ConversationResponse>>> ListConversationsAsync(TimmyDbContext db, CancellationToken cancellationToken)
    {
        var conversations = await db.Conversations.AsNoTracking().OrderByDescending(c => c.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(conversations.Select(ConversationResponse.From).ToList());
    }

    private static async Task<Results<Created<ConversationResponse>, BadRequest<ApiError>>> CreateConversationAsync(
        HttpRequest http, TimmyDbContext db, IOptions<ChatSettings> settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        string? error = body.Error;
        var title = body.IsValid ? TextInput.ReadRequiredText(body.Value, "title", settings.Value.MaxTitleChars, out error) : null;
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var conversation = new Conversation { Title = title!, CreatedAt = clock.GetUtcNow() };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/gemini/conversations/{conversation.Id}", ConversationResponse.From(conversation));
    }

    private static async Task<Results<Ok<ConversationWithMessagesResponse>, BadRequest<ApiError>, NotFound<ApiError>>> GetConversationAsync(
        string id, TimmyDbContext db, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        var conversation = await db.Conversations.AsNoTracking().Include(c => c.Messages)
            .SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
        return conversation is null
            ? ApiErrors.NotFound(ConversationNotFound)
            : TypedResults.Ok(ConversationWithMessagesResponse.From(conversation));
    }

    private static async Task<Results<NoContent, BadRequest<ApiError>, NotFound<ApiError>>> DeleteConversationAsync(
        string id, TimmyDbContext db, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        // The database deletes the messages with it (cascade).
        var deleted = await db.Conversations.Where(c => c.Id == conversationId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ApiErrors.NotFound(ConversationNotFound) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<MessageResponse>>, BadRequest<ApiError>, NotFound<ApiError>>> ListMessagesAsync(
        string id, TimmyDbContext db, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, cancellationToken))
        {
            return ApiErrors.NotFound(ConversationNotFound);
        }

        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(messages.Select(MessageResponse.From).ToList());
    }
}
