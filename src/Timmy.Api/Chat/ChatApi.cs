using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Pricing;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Chat;

/// <summary>
/// The original service's /api/gemini routes: conversations, their messages, and image generation. All of them are
/// behind the payment boundary: a conversation belongs to the balance that created it, and messages and images are
/// metered on that balance (unless <c>Chat:Free</c>).
/// </summary>
public static class ChatApi
{
    public const string ConversationNotFound = "Conversation not found";
    public const string InvalidConversationId = "Invalid conversation id: expected a positive integer";

    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder routes)
    {
        // The spec names this feature's errors GeminiError (same {error} shape) and its ids integers.
        var group = routes.MapGroup("/api/gemini").WithTags("gemini")
            .WithErrorSchemaName("GeminiError").WithIntegerPathParameter("id")
            .RequirePayment(new PaidOperation("Free with a paid balance (the 402 sells one)", _ => 0));
        group.MapGet("/conversations", ListConversationsAsync).WithName("listGeminiConversations")
            .WithSummary("List your conversations, newest first (paginated: ?limit=&offset=)")
            .WithQueryParameter("limit", "Page size, 1 to Chat:MaxPageSize (default that)")
            .WithQueryParameter("offset", "How many to skip (default 0)");
        group.MapPost("/conversations", CreateConversationAsync).WithName("createGeminiConversation")
            .WithSummary("Create a new conversation")
            .WithJsonRequestBody<CreateGeminiConversationBody>();
        group.MapGet("/conversations/{id}", GetConversationAsync).WithName("getGeminiConversation")
            .WithSummary("Get conversation with messages");
        group.MapDelete("/conversations/{id}", DeleteConversationAsync).WithName("deleteGeminiConversation")
            .WithSummary("Delete a conversation");
        group.MapGet("/conversations/{id}/messages", ListMessagesAsync).WithName("listGeminiMessages")
            .WithSummary("List messages in a conversation, oldest first (paginated: ?limit=&offset=)")
            .WithQueryParameter("limit", "Page size, 1 to Chat:MaxPageSize (default that)")
            .WithQueryParameter("offset", "How many to skip (default 0)");
        group.MapPost("/conversations/{id}/messages", SendMessageEndpoint.SendMessageAsync).WithName("sendGeminiMessage")
            .WithSummary("Send a message and receive an AI response (SSE stream)")
            .WithJsonRequestBody<SendGeminiMessageBody>()
            .ProducesEventStream("SSE stream of assistant response chunks: {content} events, then {done: true} or {error}")
            .ProducesErrors(400, 404, 429)
            .RequireStreamPermit()
            .WithMetadata(new PaidOperation("Metered: the chat model's tokens (history in, reply out) at its rates, plus infrastructure and margin, in sats",
                sp => sp.GetRequiredService<ChatCosts>().MessageHintSats(sp.GetRequiredService<IOptions<PricingOptions>>().Value.BtcPriceUsdFallback)));
        if (ImagesOff.IsOff(routes))
        {
            routes.MapUnavailable("/api/gemini/generate-image", ImagesOff.Unavailable);
            return group;
        }

        group.MapPost("/generate-image", GenerateImageEndpoint.GenerateImageAsync).WithName("generateGeminiImage")
            .WithSummary("Generate an image from a text prompt")
            .WithJsonRequestBody<GenerateGeminiImageBody>()
            .Produces<GeneratedImageResponse>()
            .ProducesErrors(400, 502)
            .WithMetadata(new PaidOperation("Chat:ImagePriceSats per image", sp => sp.GetRequiredService<ChatCosts>().ImageSats));
        return group;
    }

    /// <summary>Ids are positive integers; anything else is a client mistake, never a server error.</summary>
    internal static bool TryParseId(string raw, out int id) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>The conversations this request may see: its balance's own, or all of them when chat is free.</summary>
    internal static IQueryable<Conversation> Visible(this TimmyDbContext db, HttpContext http) =>
        http.PaidBalanceOrNull() is { } balance
            ? db.Conversations.Where(c => c.OwnerSessionId == balance.SessionId)
            : db.Conversations;

    private static async Task<Results<Ok<List<ConversationResponse>>, BadRequest<ApiError>>> ListConversationsAsync(
        HttpContext http, TimmyDbContext db, IOptions<ChatSettings> settings, CancellationToken cancellationToken)
    {
        if (Page.Read(http.Request, settings.Value.MaxPageSize) is not { } page)
        {
            return ApiErrors.BadRequest(Page.Invalid(settings.Value.MaxPageSize));
        }

        var conversations = await db.Visible(http).AsNoTracking().OrderByDescending(c => c.Id)
            .Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(conversations.Select(ConversationResponse.From).ToList());
    }

    private static async Task<Results<Created<ConversationResponse>, BadRequest<ApiError>>> CreateConversationAsync(
        HttpContext http, TimmyDbContext db, IOptions<ChatSettings> settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, cancellationToken);
        string? error = body.Error;
        var title = body.IsValid ? TextInput.ReadRequiredText(body.Value, "title", settings.Value.MaxTitleChars, out error) : null;
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var conversation = new Conversation { Title = title!, CreatedAt = clock.GetUtcNow(), OwnerSessionId = http.PaidBalanceOrNull()?.SessionId };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/gemini/conversations/{conversation.Id}", ConversationResponse.From(conversation));
    }

    private static async Task<Results<Ok<ConversationWithMessagesResponse>, BadRequest<ApiError>, NotFound<ApiError>>> GetConversationAsync(
        string id, HttpContext http, TimmyDbContext db, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        var conversation = await db.Visible(http).AsNoTracking().Include(c => c.Messages)
            .SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
        return conversation is null
            ? ApiErrors.NotFound(ConversationNotFound)
            : TypedResults.Ok(ConversationWithMessagesResponse.From(conversation));
    }

    private static async Task<Results<NoContent, BadRequest<ApiError>, NotFound<ApiError>>> DeleteConversationAsync(
        string id, HttpContext http, TimmyDbContext db, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        // The database deletes the messages with it (cascade).
        var deleted = await db.Visible(http).Where(c => c.Id == conversationId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ApiErrors.NotFound(ConversationNotFound) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<MessageResponse>>, BadRequest<ApiError>, NotFound<ApiError>>> ListMessagesAsync(
        string id, HttpContext http, TimmyDbContext db, IOptions<ChatSettings> settings, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var conversationId))
        {
            return ApiErrors.BadRequest(InvalidConversationId);
        }

        if (Page.Read(http.Request, settings.Value.MaxPageSize) is not { } page)
        {
            return ApiErrors.BadRequest(Page.Invalid(settings.Value.MaxPageSize));
        }

        if (!await db.Visible(http).AnyAsync(c => c.Id == conversationId, cancellationToken))
        {
            return ApiErrors.NotFound(ConversationNotFound);
        }

        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId).OrderBy(m => m.Id)
            .Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(messages.Select(MessageResponse.From).ToList());
    }
}
