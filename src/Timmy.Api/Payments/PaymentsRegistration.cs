using Timmy.Api.Payments.Lnbits;
using Timmy.Api.Payments.Lnd;
using Timmy.Api.Payments.Stub;
using Timmy.Api.Payments.Watching;

namespace Timmy.Api.Payments;

public static class PaymentsRegistration
{
    public static IServiceCollection AddTimmyPayments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(LightningOptions.Section).Get<LightningOptions>() ?? new LightningOptions();
        services.Configure<LightningOptions>(configuration.GetSection(LightningOptions.Section));

        _ = options.Backend.ToLowerInvariant() switch
        {
            "stub" => services.AddStubPayments(options, environment),
            "lnbits" => services.AddLnbitsPayments(configuration, options),
            "lnd" => services.AddLndPayments(configuration, options),
            _ => throw new InvalidOperationException($"Lightning:Backend '{options.Backend}' is not supported; use 'stub', 'lnbits' or 'lnd'"),
        };

        services.AddScoped<PaymentChecks>();
        services.AddHostedService<PayoutReconciler>();
        if (options.ShouldWatchInvoices)
        {
            services.Configure<InvoiceWatchOptions>(configuration.GetSection(InvoiceWatchOptions.Section));
            services.AddHostedService<InvoiceWatcher>();
        }

        return services;
    }
}
