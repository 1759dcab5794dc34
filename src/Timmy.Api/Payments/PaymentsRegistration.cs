using Timmy.Api.Payments.Stub;

namespace Timmy.Api.Payments;

public static class PaymentsRegistration
{
    public static IServiceCollection AddTimmyPayments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(LightningOptions.Section).Get<LightningOptions>() ?? new LightningOptions();
        services.Configure<LightningOptions>(configuration.GetSection(LightningOptions.Section));

        if (!options.IsStub)
        {
            throw new InvalidOperationException($"Lightning:Backend '{options.Backend}' is not supported; use 'stub'");
        }

        if (environment.IsProduction() && !options.AllowStubInProduction)
        {
            // Simulated payments in production would hand out work for free.
            throw new InvalidOperationException(
                "Refusing to start: the stub Lightning backend is active in Production. Configure a real backend, " +
                "or set Lightning:AllowStubInProduction=true if you really mean it.");
        }

        services.AddScoped<StubPaymentBackend>();
        services.AddScoped<IPaymentBackend>(sp => sp.GetRequiredService<StubPaymentBackend>());
        return services;
    }
}
