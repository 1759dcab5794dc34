using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Agent;

/// <summary>
/// The agent over any pair of <see cref="IChatClient"/>s: the offline one, Claude, or a local model.
/// It owns the prompts and reads the verdict, so the flow never depends on which model answers.
/// </summary>
public sealed class ChatClientAgent(
    [FromKeyedServices(AgentKeys.Eval)] IChatClient evalModel,
    [FromKeyedServices(AgentKeys.Work)] IChatClient workModel,
    IOptions<AgentOptions> options,
    TokenCounter tokens,
    ILoggerFactory loggers) : IJobAgent
{
    private readonly AgentOptions _options = options.Value;

    // Microsoft.Extensions.AI's OpenTelemetry client records each call's latency, tokens and a trace span; usage a
    // provider left out is counted with the tokenizer first, so no call is free.
    private readonly IChatClient evalClient = Instrumented(evalModel, tokens, loggers);
    private readonly IChatClient workClient = Instrumented(workModel, tokens, loggers);

    private static IChatClient Instrumented(IChatClient client, TokenCounter tokens, ILoggerFactory loggers) =>
        client.AsBuilder()
            .UseOpenTelemetry(loggers, Observability.TimmyMetrics.AgentSourceName)
            .Use(provider => new UsageFallbackChatClient(provider, tokens))
            .Build();

    public async Task<Evaluation> EvaluateAsync(string request, CancellationToken cancellationToken)
    {
        var response = await CallAsync(evalClient, Prompts.Evaluation, request, _options.EvalModel, _options.EvalMaxOutputTokens, cancellationToken);
        var verdict = EvaluationVerdict.Parse(response.Text);
        return new Evaluation(verdict.Accepted, verdict.Reason, UsageOf(response, _options.EvalModel));
    }

    public Task<WorkOutput> WorkAsync(string request, CancellationToken cancellationToken) =>
        WorkAsync(request, null, cancellationToken);

    public async Task<WorkOutput> WorkAsync(string request, int? maxOutputTokens, CancellationToken cancellationToken)
    {
        var cap = maxOutputTokens is { } priced && priced > 0 ? Math.Min(priced, _options.MaxOutputTokens) : _options.MaxOutputTokens;
        var response = await CallAsync(workClient, Prompts.Work, request, _options.WorkModel, cap, cancellationToken);
        if (string.IsNullOrWhiteSpace(response.Text))
        {
            throw new AgentException("The work model returned an empty answer");
        }

        return new WorkOutput(response.Text, UsageOf(response, _options.WorkModel));
    }

    private static async Task<ChatResponse> CallAsync(
        IChatClient client, string system, string request, string model, int maxTokens, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, request)],
                new ChatOptions { ModelId = model, MaxOutputTokens = maxTokens },
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new AgentException($"The {model} model call failed: {ex.Message}", ex, TransientModelFailures.IsTransient(ex));
        }
    }

    private static TokenUsage UsageOf(ChatResponse response, string model) => new(
        response.ModelId ?? model,
        (int)(response.Usage?.InputTokenCount ?? 0),
        (int)(response.Usage?.OutputTokenCount ?? 0));
}

/// <summary>Reads the eval model's JSON verdict, tolerating prose or code fences around it.</summary>
internal sealed record EvaluationVerdict(bool Accepted, string Reason)
{
    public static EvaluationVerdict Parse(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            throw new AgentException("The eval model did not return a JSON verdict");
        }

        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start, end - start + 1));
            var root = document.RootElement;
            if (!root.TryGetProperty("accepted", out var accepted) || accepted.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new AgentException("The eval model's verdict has no boolean 'accepted'");
            }

            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new EvaluationVerdict(accepted.GetBoolean(), string.IsNullOrWhiteSpace(reason) ? "No reason given" : reason);
        }
        catch (JsonException ex)
        {
            throw new AgentException("The eval model returned malformed JSON", ex);
        }
    }
}
