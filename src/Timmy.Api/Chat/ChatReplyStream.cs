using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Timmy.Api.Boundary;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.Chat;

/// <summary>
/// Streams the model's reply to a conversation as server-sent events, then stores it. A reply cut short,
/// because the client left or the model failed, is stored with the text that arrived and marked incomplete.
/// A metered reply settles its reservation at the real cost when the stream ends, however it ends; it is cut at its
/// <see cref="MeterDeadline"/>, so it never outlives its reservation.
/// </summary>
internal sealed partial class ChatReplyStream(int conversationId, string model, MeterReservation? reservation) : IResult
{
    private static readonly DoneEvent Done = new(true);

    public async Task ExecuteAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<TimmyDbContext>();
        var clientGone = http.RequestAborted;
        using var deadline = services.GetRequiredService<BalanceMeter>().Deadline(reservation, clientGone);

        var settings = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChatSettings>>().Value;
        RelayedReply relayed = new("", false, "The reply did not start", null);
        List<ChatMessage> history = [];
        ServerSentEventWriter? events = null;
        try
        {
            history = await LoadHistoryAsync(db, conversationId, settings.MaxHistoryMessages, clientGone);
            events = await ServerSentEventWriter.StartAsync(http.Response, clientGone);
            relayed = await RelayAsync(services, history, events, settings.MaxReplyTokens, deadline);
        }
        finally
        {
            await SettleAsync(services, history, relayed);
        }

        var failure = relayed is { Finished: true, Text.Length: 0 } ? "The model returned an empty reply" : relayed.Failure;

        // Stored before the last event, so a client that reads the history on "done" finds the reply.
        await SaveReplyAsync(services, db, relayed.Text, complete: relayed.Finished);
        if (!clientGone.IsCancellationRequested)
        {
            await TryWriteAsync(events, failure is null ? Done : new ErrorEvent(failure), clientGone);
        }
    }

    /// <summary>The latest <paramref name="limit"/> messages, oldest first: what the model is given is bounded.</summary>
    internal static async Task<List<ChatMessage>> LoadHistoryAsync(TimmyDbContext db, int conversationId, int limit, CancellationToken cancellationToken)
    {
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderByDescending(m => m.Id)
            .Take(Math.Max(0, limit))
            .Select(m => new { m.Role, m.Content })
            .ToListAsync(cancellationToken);
        messages.Reverse();
        return messages
            .Select(m => new ChatMessage(m.Role == Message.AssistantRole ? ChatRole.Assistant : ChatRole.User, m.Content))
            .ToList();
    }

    /// <summary>Debits the real cost: the provider's usage if it gave any, else the tokens counted here; nothing for no reply.</summary>
    private async Task SettleAsync(IServiceProvider services, List<ChatMessage> history, RelayedReply relayed)
    {
        if (reservation is null)
        {
            return;
        }

        var costs = services.GetRequiredService<ChatCosts>();
        var cost = await costs.ActualSatsAsync(model, history.Select(m => m.Text), relayed.Text, relayed.Usage, CancellationToken.None);
        await services.GetRequiredService<BalanceMeter>().SettleAsync(reservation, cost, relayed.Failure);
    }

    /// <summary>
    /// Sends each chunk on as it arrives. Returns the text so far, whether the model finished it,
    /// and, if the model failed, what to tell the client.
    /// </summary>
    private async Task<RelayedReply> RelayAsync(
        IServiceProvider services, List<ChatMessage> history, ServerSentEventWriter events, int maxReplyTokens, MeterDeadline deadline)
    {
        var stop = deadline.Token;
        var chat = services.GetRequiredKeyedService<IChatClient>(ChatKeys.Chat);
        var reply = new StringBuilder();
        UsageDetails? usage = null;
        try
        {
            var options = new ChatOptions { ModelId = model, MaxOutputTokens = maxReplyTokens };
            await foreach (var update in chat.GetStreamingResponseAsync(history, options, stop))
            {
                foreach (var reported in update.Contents.OfType<UsageContent>())
                {
                    usage = reported.Details;
                }

                if (update.Text is { Length: > 0 } chunk)
                {
                    reply.Append(chunk);
                    await events.WriteAsync(new ContentEvent(chunk), stop);
                }
            }

            return new RelayedReply(reply.ToString(), Finished: true, Failure: null, usage);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The client left, or the reply reached its time limit; cancelling the token has already stopped the model call.
            return new RelayedReply(reply.ToString(), Finished: false, Failure: deadline.Passed ? deadline.CutMessage : null, usage);
        }
        catch (Exception ex)
        {
            LogModelFailed(Logger(services), conversationId, model, ex);
            return new RelayedReply(reply.ToString(), Finished: false, ModelFailures.Describe(ex, services.GetRequiredService<PublicFailures>()), usage);
        }
    }

    private async Task SaveReplyAsync(IServiceProvider services, TimmyDbContext db, string reply, bool complete)
    {
        if (reply.Length == 0)
        {
            return;
        }

        db.Messages.Add(new Message
        {
            ConversationId = conversationId,
            Role = Message.AssistantRole,
            Content = reply,
            IsComplete = complete,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        try
        {
            // Not the request's token: the reply is kept even when the client has gone.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex)
        {
            // The conversation was deleted while the model was answering; there is nowhere to keep the reply.
            LogReplyDropped(Logger(services), conversationId, ex);
        }
    }

    private static async Task TryWriteAsync(ServerSentEventWriter events, object payload, CancellationToken clientGone)
    {
        try
        {
            await events.WriteAsync(payload, clientGone);
        }
        catch (Exception) when (clientGone.IsCancellationRequested)
        {
            // The client left just before the last event; the reply is stored already.
        }
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger<ChatReplyStream>();

    private sealed record RelayedReply(string Text, bool Finished, string? Failure, UsageDetails? Usage);

    [LoggerMessage(LogLevel.Warning, "Chat reply for conversation {ConversationId} with model {Model} failed")]
    private static partial void LogModelFailed(ILogger logger, int conversationId, string model, Exception ex);

    [LoggerMessage(LogLevel.Information, "Chat reply for conversation {ConversationId} dropped: the conversation no longer exists")]
    private static partial void LogReplyDropped(ILogger logger, int conversationId, Exception ex);
}
