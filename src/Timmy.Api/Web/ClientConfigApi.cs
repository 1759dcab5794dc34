using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Demo;
using Timmy.Api.Dev;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Sessions;

namespace Timmy.Api.Web;

/// <summary><c>GET /api/client-config</c>: what the page needs to know about this server before it draws itself.</summary>
public static class ClientConfigApi
{
    /// <param name="StubPayments">True when the dev endpoint can simulate payments, so the page offers a "simulate payment" button.</param>
    public sealed record ClientConfig(bool StubPayments, long EvalFeeSats, int DemoRequestsPerWindow, long MinDepositSats, long MaxDepositSats);

    public static void MapClientConfigApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/client-config", GetClientConfig)
            .WithTags("web")
            .WithName("getClientConfig")
            .WithSummary("Settings the web page needs");
    }

    private static Ok<ClientConfig> GetClientConfig(
        IHostEnvironment environment, IOptions<LightningOptions> lightning, IOptions<JobOptions> jobs, IOptions<DemoOptions> demo,
        IOptions<SessionsOptions> sessions) =>
        TypedResults.Ok(new ClientConfig(
            DevPaymentsApi.IsAvailable(environment, lightning.Value),
            jobs.Value.EvalFeeSats,
            demo.Value.RequestsPerWindow,
            sessions.Value.MinDepositSats,
            sessions.Value.MaxDepositSats));
}
