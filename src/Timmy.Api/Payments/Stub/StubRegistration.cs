using Timmy.Api.Data;

namespace Timmy.Api.Payments.Stub;

internal static class StubRegistration
{
    public static IServiceCollection AddStubPayments(this IServiceCollection services, LightningOptions lightning, IHostEnvironment environment)
    {
        if (environment.IsProduction() && !lightning.AllowStubInProduction)
        {
            // Simulated payments in production would hand out work for free.
            throw new InvalidOperationException(
                "Refusing to start: the stub Lightning backend is active in Production. Configure a real backend, " +
                "or set Lightning:AllowStubInProduction=true if you really mean it.");
        }

        // One for the process: it holds no context, and its batched lookups and its feed are shared by every caller.
        services.AddSingleton<StubNodeBook>();
        services.AddSingleton<StubPaymentBackend>();
        services.AddSingleton<IPaymentBackend>(sp => sp.GetRequiredService<StubPaymentBackend>());
        services.AddSingleton<IInvoiceListener>(sp => sp.GetRequiredService<StubPaymentBackend>());
        return services;
    }
}
