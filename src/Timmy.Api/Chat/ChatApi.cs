using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Chat;

/// <summary>The original service's /api/gemini routes: conversations, their messages, and image generation.</summary>
public static class ChatApi
{
    public const string ConversationNotFound = "Conversation not found";
    public const string InvalidConversationId = "Invalid conversation id: expected a positive integer";

    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder routes)
    {
        // The spec names this feature's errors GeminiError (same {error} shape) and its ids integers.
        var group = routes.MapGroup("/api/gemini").WithTags("gemini")
            .WithErrorSchemaName("GeminiError").WithIntegerPathParameter("id");
        group.MapGet("/conversations", ListConversationsAsync).WithName("listGeminiConversations")
            .WithSummary("List all conversations");
        group.MapPost("/conversations", CreateConversationAsync).WithName("createGeminiConversation")
            .WithSummary("Create a new conversation")
            .WithJsonRequestBody<CreateGeminiConversationBody>();
        group.MapGet("/conversations/{id}", GetConversationAsync).WithName("getGeminiConversation")
            .WithSummary("Get conversation with messages");
        group.MapDelete("/conversations/{id}", DeleteConversationAsync).WithName("deleteGeminiConversation")
            .WithSummary("Delete a conversation");
        group.MapGet("/conversations/{id}/messages", ListMessagesAsync).WithName("listGeminiMessages")
            .WithSummary("List messages in a conversation");
        group.MapPost("/conversations/{id}/messages", SendMessageEndpoint.SendMessageAsync).WithName("sendGeminiMessage")
            .WithSummary("Send a message and receive an AI response (SSE stream)")
            .WithJsonRequestBody<SendGeminiMessageBody>()
            .ProducesEventStream("SSE stream of assistant response chunks: {content} events, then {done: true} or {error}")
            .ProducesErrors(429)
            .RequireRateLimiting(ClientLimits.StreamPolicy);
        group.MapPost("/generate-image", GenerateImageEndpoint.GenerateImageAsync).WithName("generateGeminiImage")
            .WithSummary("Generate an image from a text prompt")
            .WithJsonRequestBody<GenerateGeminiImageBody>()
            .ProducesErrors(502);
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
