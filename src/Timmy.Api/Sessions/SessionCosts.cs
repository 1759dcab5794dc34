using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Pricing;

namespace Timmy.Api.Sessions;

/// <summary>
/// What a session request costs in sats at the current BTC price: the eval model's tokens (with the
/// per-request infrastructure) plus the work model's tokens, each with the margin, each rounded up.
/// </summary>
public sealed class SessionCosts(IOptions<PricingOptions> pricing, IOptions<AgentOptions> agent, TokenCounter tokens)
{
    private readonly PricingOptions _pricing = pricing.Value;
    private readonly AgentOptions _agent = agent.Value;

    /// <summary>The most a request can cost if both models use their whole output allowance.</summary>
    public long WorstCaseSats(string request, decimal btcPriceUsd)
    {
        var requestTokens = tokens.Count(request);
        var eval = EvalSats(tokens.Count(Prompts.Evaluation) + requestTokens, _agent.EvalMaxOutputTokens, btcPriceUsd);
        var work = WorkSats(tokens.Count(Prompts.Work) + requestTokens, _agent.MaxOutputTokens, btcPriceUsd);
        return eval + work;
    }

    public long EvalSats(TokenUsage usage, decimal btcPriceUsd) => EvalSats(usage.InputTokens, usage.OutputTokens, btcPriceUsd);

    public long WorkSats(TokenUsage usage, decimal btcPriceUsd) => WorkSats(usage.InputTokens, usage.OutputTokens, btcPriceUsd);

    // The infrastructure is charged once per request, with its eval.
    private long EvalSats(long input, long output, decimal btcPriceUsd) => _pricing.CallSats(_agent.EvalModel, input, output, btcPriceUsd);

    private long WorkSats(long input, long output, decimal btcPriceUsd) =>
        _pricing.CallSats(_agent.WorkModel, input, output, btcPriceUsd, withInfrastructure: false);
}
