using Timmy.Api.Http;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnbits;

internal static class LnbitsRegistration
{
    public static IServiceCollection AddLnbitsPayments(this IServiceCollection services, IConfiguration configuration, LightningOptions lightning)
    {
        var section = configuration.GetSection(LnbitsOptions.Section);
        var lnbits = section.Get<LnbitsOptions>() ?? new LnbitsOptions();
        var baseUri = NodeAddress.BaseUri(lnbits.Url, "Lightning:Lnbits:Url (LNBITS_URL)");
        if (string.IsNullOrWhiteSpace(lnbits.ApiKey))
        {
            throw new InvalidOperationException("Lightning:Backend=lnbits needs the wallet's invoice key in Lightning:Lnbits:ApiKey (LNBITS_API_KEY)");
        }

        services.Configure<LnbitsOptions>(section);
        services.AddHttpClient<LnbitsPaymentBackend>(http => http.BaseAddress = baseUri).AddOutboundResilience(lightning.RequestTimeout, lightning.MaxRetries);
        services.AddScoped<IPaymentBackend>(sp => sp.GetRequiredService<LnbitsPaymentBackend>());
        services.AddSingleton<IInvoiceListener, LnbitsInvoiceListener>();
        return services;
    }
}
