using System.Text.Json.Serialization;
using Timmy.Api.Agent;
using Timmy.Api.Boundary;
using Timmy.Api.Chat;
using Timmy.Api.Data;
using Timmy.Api.Demo;
using Timmy.Api.Dev;
using Timmy.Api.Errors;
using Timmy.Api.Health;
using Timmy.Api.Http;
using Timmy.Api.Instances;
using Timmy.Api.Jobs;
using Timmy.Api.Observability;
using Timmy.Api.OpenAI;
using Timmy.Api.Payments;
using Timmy.Api.Pricing;
using Timmy.Api.Retention;
using Timmy.Api.Sessions;
using Timmy.Api.Web;

namespace Timmy.Api.Hosting;

/// <summary>Registration and the request pipeline, kept here so Program.cs reads as a table of contents.</summary>
public static class TimmyHost
{
    /// <summary>No endpoint needs a larger body; Kestrel refuses bigger ones before they are buffered.</summary>
    private const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddTimmy(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddSeedEnvironmentAliases();
        var backends = builder.Configuration.SelectBackends();
        builder.AddTimmyObservability();
        builder.AddManagementPort();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = HeaderLimits.KestrelMaxHeaderBytes;
            kestrel.Limits.MaxRequestLineSize = HeaderLimits.KestrelMaxRequestLineBytes;
        });

        var services = builder.Services;
        var configuration = builder.Configuration;
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Converters.Add(new UtcTimestampConverter());
        });
        services.AddProblemDetails();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PublicFailures>();
        services.AddTrustedProxies(configuration);
        services.AddTimmyReadiness();

        services.AddTimmyDatabase(configuration);
        services.AddTimmyPayments(configuration, builder.Environment);
        OfflineModelGuard.RefuseOfflineInProduction(configuration, builder.Environment);
        services.AddTimmyAgent(configuration);
        services.AddSingleton(backends);
        services.AddHostedService<BackendsStartupLog>();
        services.AddTimmyChat(configuration);

        services.AddTimmyPricing(configuration);
        services.AddTimmyInstanceHeartbeat();
        services.AddTimmyJobs(configuration);
        services.AddTimmySessions(configuration);
        services.AddPaymentBoundary(configuration);
        services.AddTimmyOpenAI(configuration);
        services.AddTimmyDemo(configuration);
        services.AddTimmyRetention(configuration);
        services.AddTimmyClientLimits(configuration);
        services.AddTimmyWeb();
        return builder;
    }

    public static WebApplication UseTimmy(this WebApplication app)
    {
        app.UseTrustedProxies(app.Configuration);
        app.UseJsonErrors();
        app.UseManagementPort();
        app.UseHeaderLimits();
        app.UseRateLimiter();
        app.UseTimmyWeb();

        app.MapHealthApi();
        app.MapTimmyMetrics();
        app.MapJobsApi();
        app.MapJobEventsApi();
        app.MapSessionsApi();
        app.MapDemoApi();
        app.MapChatApi();
        app.MapOpenAIApi();
        if (DevPaymentsApi.IsAvailable(app.Environment, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LightningOptions>>().Value))
        {
            app.MapDevPaymentsApi();
        }

        return app;
    }
}
