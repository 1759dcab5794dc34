using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

public static class SessionsRegistration
{
    public static IServiceCollection AddTimmySessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SessionsOptions>(configuration.GetSection(SessionsOptions.Section));
        services.AddSingleton<MacaroonRootKey>();
        services.AddSingleton<SessionMacaroons>();
        services.AddSingleton<SessionCosts>();
        services.AddScoped<SessionAdvancer>();
        services.AddScoped<SessionIntake>();
        services.AddScoped<SessionReservations>();
        services.AddScoped<SessionRequestRunner>();
        services.AddScoped<SessionWithdrawals>();
        services.AddSingleton<IPaymentEvents, SessionPaymentEvents>();
        return services;
    }
}
