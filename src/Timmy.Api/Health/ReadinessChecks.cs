using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Data;
using Timmy.Api.Payments;

namespace Timmy.Api.Health;

/// <summary>The database answers a query.</summary>
internal sealed class DatabaseReadiness(TimmyDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("cannot connect to the database");
}

/// <summary>The Lightning backend answers a lookup of an invoice it cannot know; "unknown" is a healthy answer.</summary>
internal sealed class LightningReadiness(IPaymentBackend payments) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await payments.GetInvoiceStatusAsync(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), cancellationToken);
            return HealthCheckResult.Healthy(payments.Name);
        }
        catch (PaymentBackendException ex)
        {
            return HealthCheckResult.Unhealthy($"{payments.Name}: {ex.Message}");
        }
    }
}

/// <summary>
/// The AI provider's server answers HTTP at all (any status). A model call would cost money on every probe,
/// so reachability is what is checked; the offline model is always ready.
/// </summary>
internal sealed class AgentReadiness(IOptions<AgentOptions> options, IHttpClientFactory http) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var agent = options.Value;
        var endpoint = agent.Provider.ToLowerInvariant() switch
        {
            "anthropic" => agent.Anthropic.BaseUrl ?? "https://api.anthropic.com",
            "openai" => agent.OpenAI.Endpoint,
            _ => null,
        };
        if (endpoint is null)
        {
            return HealthCheckResult.Healthy(agent.Provider);
        }

        try
        {
            using var client = http.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(5);
            using var response = await client.GetAsync(endpoint, cancellationToken);
            return HealthCheckResult.Healthy($"{agent.Provider}: HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{agent.Provider} is unreachable: {ex.Message}");
        }
    }
}
