using Timmy.Api.Http;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnd;

internal static class LndRegistration
{
    public static IServiceCollection AddLndPayments(this IServiceCollection services, IConfiguration configuration, LightningOptions lightning)
    {
        var section = configuration.GetSection(LndOptions.Section);
        var lnd = section.Get<LndOptions>() ?? new LndOptions();
        var baseUri = NodeAddress.BaseUri(lnd.Url, "Lightning:Lnd:Url");
        // Read once at startup, so a wrong path or value stops the service instead of every payment.
        var macaroon = LndCredentials.MacaroonHex(lnd);
        _ = LndCredentials.Handler(lnd);

        void Connect(HttpClient http)
        {
            http.BaseAddress = baseUri;
            http.DefaultRequestHeaders.Add(LndCredentials.MacaroonHeader, macaroon);
        }

        services.Configure<LndOptions>(section);
        services.AddHttpClient<LndPaymentBackend>(Connect)
            .ConfigurePrimaryHttpMessageHandler(() => LndCredentials.Handler(lnd))
            .AddOutboundResilience(lightning.RequestTimeout, lightning.MaxRetries);
        services.AddHttpClient(LndInvoiceListener.StreamingClient, http =>
            {
                Connect(http);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => LndCredentials.Handler(lnd));
        services.AddScoped<IPaymentBackend>(sp => sp.GetRequiredService<LndPaymentBackend>());
        services.AddSingleton<IInvoiceListener, LndInvoiceListener>();
        return services;
    }
}
