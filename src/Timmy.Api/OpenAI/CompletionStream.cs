using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Timmy.Api.Agent;
using Timmy.Api.Boundary;
using Timmy.Api.Chat;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.OpenAI;

/// <summary>
/// A streamed completion: <c>chat.completion.chunk</c> events, a last one with the finish reason, a usage chunk
/// (with <c>cost_sats</c>) when <c>stream_options.include_usage</c> asks, then <c>data: [DONE]</c>.
/// <c>X-Balance-Sats</c> is the balance after the reservation. However the stream ends (finished, the client gone,
/// the upstream dropped, cut at its <see cref="MeterDeadline"/>) the reservation settles: at the provider's usage,
/// else at the tokens counted here.
/// </summary>
internal sealed class CompletionStream(CompletionRequest request, string id, long created, long promptTokens, MeteredCall call) : IResult
{
    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var costs = services.GetRequiredService<CompletionCosts>();
        var clientGone = http.RequestAborted;
        using var deadline = services.GetRequiredService<BalanceMeter>().Deadline(call.Reservation, clientGone);
        MeteredCall.WriteHeaders(http.Response, null, call.BalanceAfterReserve);

        Relayed relayed = new("", null, null, "The stream did not start");
        ServerSentEventWriter? events = null;
        long cost = 0;
        try
        {
            events = await ServerSentEventWriter.StartAsync(http.Response, clientGone);
            relayed = await RelayAsync(services, events, deadline);
        }
        finally
        {
            cost = call.CostOf(costs, request.Model, promptTokens, relayed.Text, relayed.Usage);
            await call.SettleAsync(services, cost, relayed.Failure ?? (clientGone.IsCancellationRequested ? "The client left mid-stream" : null));
        }

        if (clientGone.IsCancellationRequested)
        {
            return;
        }

        if (relayed.Failure is not null)
        {
            // OpenAI's streams report a failure as an error object in place of a chunk, and send no [DONE].
            var error = relayed.Cut
                ? new OpenAIErrorDetail(relayed.Failure, "api_error", null, "timeout")
                : new OpenAIErrorDetail($"The model failed mid-stream: {relayed.Failure}", "api_error", null, "upstream_error");
            await WriteAsync(events!, new OpenAIError(error), clientGone);
            return;
        }

        await WriteAsync(events!, Chunk(new ChunkDelta(null, null), FinishReasons.Of(relayed.FinishReason)), clientGone);
        if (request.IncludeUsage)
        {
            var prompt = MeteredCall.Prompt(promptTokens, relayed.Usage);
            var completion = MeteredCall.Completion(costs, relayed.Text, relayed.Usage);
            await WriteAsync(events!, new ChatCompletionChunk(id, "chat.completion.chunk", created, request.Model, [],
                new CompletionUsage(prompt, completion, prompt + completion, cost)), clientGone);
        }

        await events!.WriteAsync(null, Done, clientGone);
    }

    private async Task<Relayed> RelayAsync(IServiceProvider services, ServerSentEventWriter events, MeterDeadline deadline)
    {
        var stop = deadline.Token;
        var chat = services.GetRequiredKeyedService<IChatClient>(AgentKeys.Work);
        var text = new StringBuilder();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        try
        {
            await WriteAsync(events, Chunk(new ChunkDelta("assistant", ""), null), stop);
            await foreach (var update in chat.GetStreamingResponseAsync(request.Messages, request.ToChatOptions(), stop))
            {
                usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
                finish = update.FinishReason ?? finish;
                if (update.Text is { Length: > 0 } piece)
                {
                    text.Append(piece);
                    await WriteAsync(events, Chunk(new ChunkDelta(null, piece), null), stop);
                }
            }

            return new Relayed(text.ToString(), usage, finish, null);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The client left (nothing to tell it), or the call reached its time limit.
            return new Relayed(text.ToString(), usage, finish, deadline.Passed ? deadline.CutMessage : null, Cut: deadline.Passed);
        }
        catch (Exception ex)
        {
            ChatCompletionsEndpoint.LogModelFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger<CompletionStream>(), request.Model, ex);
            return new Relayed(text.ToString(), usage, finish, ModelFailures.Describe(ex, services.GetRequiredService<PublicFailures>()));
        }
    }

    private ChatCompletionChunk Chunk(ChunkDelta delta, string? finishReason) =>
        new(id, "chat.completion.chunk", created, request.Model, [new ChunkChoice(0, delta, finishReason)]);

    private static Task WriteAsync(ServerSentEventWriter events, object payload, CancellationToken cancellationToken) =>
        events.WriteAsync(null, JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), OpenAIJson.Options), cancellationToken);

    /// <param name="Cut">Ended at its time limit (<see cref="MeterDeadline"/>).</param>
    private sealed record Relayed(string Text, UsageDetails? Usage, ChatFinishReason? FinishReason, string? Failure, bool Cut = false);
}
