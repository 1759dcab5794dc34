using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Boundary;
using Timmy.Api.Chat;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.OpenAI;

/// <summary>
/// <c>POST /v1/chat/completions</c> on the agent's work model. The worst case (the prompt as counted here, plus
/// <c>max_tokens</c> or <c>OpenAI:DefaultMaxTokens</c> out) is reserved before the model is called; the answer
/// settles at the provider's usage. Streamed answers are <see cref="CompletionStream"/>. Either is cut at its
/// <see cref="MeterDeadline"/>, so it never outlives its reservation.
/// </summary>
internal static partial class ChatCompletionsEndpoint
{
    public static async Task<IResult> CompleteAsync(
        HttpContext http,
        OpenAIModels models,
        CompletionCosts costs,
        Challenges challenges,
        IOptions<OpenAIOptions> options,
        [FromKeyedServices(AgentKeys.Work)] IChatClient chat,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, cancellationToken);
        if (!body.IsValid)
        {
            return OpenAIErrors.BadRequest(body.Error!);
        }

        if (CompletionRequest.Read(body.Value, options.Value, out var problem) is not { } request)
        {
            return OpenAIErrors.BadRequest(problem!.Message, problem.Param);
        }

        if (!models.Serves(request.Model))
        {
            return OpenAIErrors.ModelNotFound(request.Model);
        }

        // A stream counts against the client's open streams (Streams:MaxPerClient), before anything is reserved; a
        // plain completion does not.
        if (request.Stream && http.RequestServices.GetRequiredService<StreamLimiter>().Hold(http) is { } refusal)
        {
            return OpenAIErrors.Result(StatusCodes.Status429TooManyRequests, refusal, null, "rate_limit_exceeded");
        }

        var btc = await costs.BtcPriceUsdAsync(cancellationToken);
        var promptTokens = costs.CountPrompt(request.Messages);
        var worstCase = costs.Sats(request.Model, CompletionCosts.ReservedPrompt(promptTokens), request.MaxTokens, btc);
        var call = await MeteredCall.ReserveAsync(http, $"chat completion ({request.Model})", worstCase, btc, cancellationToken);
        if (call is null)
        {
            return await challenges.PaymentRequiredAsync(http, worstCase,
                $"Insufficient balance: this completion may cost up to {worstCase} sats ({promptTokens} prompt tokens, {request.MaxTokens} max_tokens); pay the invoice to top up",
                http.PaidBalanceOrNull()!.SessionId, cancellationToken);
        }

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            return new CompletionStream(request, id, created, promptTokens, call);
        }

        ChatResponse? response = null;
        string? failure = null;
        long cost = 0;
        long? left = null;
        using var deadline = http.RequestServices.GetRequiredService<BalanceMeter>().Deadline(call.Reservation, cancellationToken);
        try
        {
            response = await chat.GetResponseAsync(request.Messages, request.ToChatOptions(), deadline.Token);
        }
        catch (Exception) when (deadline.Passed && !cancellationToken.IsCancellationRequested)
        {
            failure = deadline.CutMessage;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogModelFailed(loggers.CreateLogger(typeof(ChatCompletionsEndpoint)), request.Model, ex);
            failure = ModelFailures.Describe(ex, http.RequestServices.GetRequiredService<PublicFailures>());
        }
        finally
        {
            // Settled whatever happened, and not with the request's token: the reservation must end.
            var text = response?.Text ?? "";
            cost = call.CostOf(costs, request.Model, promptTokens, text, response?.Usage);
            left = await call.SettleAsync(http.RequestServices, cost,
                failure ?? (cancellationToken.IsCancellationRequested ? "The client left before the answer" : null));
        }

        MeteredCall.WriteHeaders(http.Response, call.Reservation is null ? null : cost, left);
        if (failure is not null)
        {
            return OpenAIErrors.BadGateway($"The model failed: {failure}");
        }

        var answer = response!.Text;
        var usage = new CompletionUsage(
            MeteredCall.Prompt(promptTokens, response.Usage), MeteredCall.Completion(costs, answer, response.Usage), 0, cost);
        return TypedResults.Json(
            new ChatCompletion(id, "chat.completion", created, request.Model,
                [new CompletionChoice(0, new AssistantMessage("assistant", answer), FinishReasons.Of(response.FinishReason))],
                usage with { TotalTokens = usage.PromptTokens + usage.CompletionTokens }),
            OpenAIJson.Options);
    }

    [LoggerMessage(LogLevel.Warning, "Chat completion with model {Model} failed")]
    internal static partial void LogModelFailed(ILogger logger, string model, Exception ex);
}

/// <summary>OpenAI's finish reasons; the SDKs reject values they do not know.</summary>
internal static class FinishReasons
{
    public static string Of(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : "stop";
}
