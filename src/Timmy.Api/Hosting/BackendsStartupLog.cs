using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Payments;

namespace Timmy.Api.Hosting;

/// <summary>Says at startup which Lightning backend and AI provider are live, so a silent fallback is not silent.</summary>
public sealed partial class BackendsStartupLog(
    IOptions<LightningOptions> lightning, IOptions<AgentOptions> agent, ILogger<BackendsStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var payments = lightning.Value;
        LogLightning(payments.Backend, payments.ShouldWatchInvoices ? "on" : "off");

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

    [LoggerMessage(LogLevel.Information, "Lightning backend: {Backend} (invoice watcher {Watcher})")]
    private partial void LogLightning(string backend, string watcher);

    [LoggerMessage(LogLevel.Information, "AI provider: {Provider} (eval model {EvalModel}, work model {WorkModel})")]
    private partial void LogProvider(string provider, string evalModel, string workModel);

    [LoggerMessage(LogLevel.Warning, "AI provider: offline. No AI provider is configured, so the embedded offline model answers (set Agent:Provider)")]
    private partial void LogOffline();

    [LoggerMessage(LogLevel.Warning, "An Anthropic API key is configured but unused; set Agent:Provider=anthropic to use Claude")]
    private partial void LogAnthropicKeyUnused();
}
