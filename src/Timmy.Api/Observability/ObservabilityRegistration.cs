using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Timmy.Api.Observability;

public static class ObservabilityRegistration
{
    /// <summary>
    /// Metrics in Prometheus format at <c>/metrics</c>; traces of requests, outbound calls, job work and model calls,
    /// recorded and exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; JSON console logs in Production.
    /// </summary>
    public static WebApplicationBuilder AddTimmyObservability(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        }

        builder.Services.AddSingleton<JobStateCounts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobStateCounts>());
        builder.Services.AddSingleton<TimmyMetrics>();

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("timmy"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TimmyMetrics.MeterName, TimmyMetrics.AgentSourceName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Traces only when they have somewhere to go: a recorded Activity per request (thousands of event
            // streams may be open) costs memory and CPU that nothing would read.
            telemetry.WithTracing(tracing => tracing
                .AddSource(TimmyMetrics.MeterName, TimmyMetrics.AgentSourceName)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => http.Request.Path != "/metrics")
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return builder;
    }

    public static WebApplication MapTimmyMetrics(this WebApplication app)
    {
        // The exporter maps every method; a scrape is a GET, and any other method gets the usual JSON 405.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return app;
    }
}
