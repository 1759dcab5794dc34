using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Payments;

namespace Timmy.Api.Hosting;

/// <summary>
/// Says at startup which Lightning backend, AI provider and chat provider are live and why (an explicit setting, the
/// seed's key variables, or the embedded default), so a silent fallback is not silent.
/// </summary>
public sealed partial class BackendsStartupLog(
    BackendChoices choices, IOptions<LightningOptions> lightning, IOptions<AgentOptions> agent, ILogger<BackendsStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var choice in choices.All)
        {
            LogChoice(choice.Setting, choice.Value, choice.Reason);
        }

        LogWatcher(lightning.Value.ShouldWatchInvoices ? "on" : "off");
        var ai = agent.Value;
        if (ai.Provider.Equals("offline", StringComparison.OrdinalIgnoreCase))
        {
            LogOffline();
            if (!string.IsNullOrWhiteSpace(ai.Anthropic.ApiKey))
            {
                LogAnthropicKeyUnused();
            }
        }
        else
        {
            LogProvider(ai.Provider, ai.EvalModel, ai.WorkModel);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Backend chosen: {Setting} = {Value} ({Reason})")]
    private partial void LogChoice(string setting, string value, string reason);

    [LoggerMessage(LogLevel.Information, "Invoice watcher: {Watcher}")]
    private partial void LogWatcher(string watcher);

    [LoggerMessage(LogLevel.Information, "AI provider: {Provider} (eval model {EvalModel}, work model {WorkModel})")]
    private partial void LogProvider(string provider, string evalModel, string workModel);

    [LoggerMessage(LogLevel.Warning, "AI provider: offline. No AI provider is configured, so the embedded offline model answers (set Agent:Provider or ANTHROPIC_API_KEY)")]
    private partial void LogOffline();

    [LoggerMessage(LogLevel.Warning, "An Anthropic API key is configured but unused: Agent:Provider is set to offline")]
    private partial void LogAnthropicKeyUnused();
}
