namespace Timmy.Api.Boundary;

public static class BoundaryRegistration
{
    public static IServiceCollection AddPaymentBoundary(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BoundaryOptions>(configuration.GetSection(BoundaryOptions.Section));
        services.AddSingleton<ChallengeSecret>();
        services.AddSingleton<BalanceTokens>();
        services.AddScoped<PaymentCredentials>();
        services.AddScoped<PaymentSessionCredentials>();
        services.AddScoped<PaymentSessionClose>();
        services.AddScoped<Challenges>();
        services.AddScoped<BalanceMeter>();
        services.AddHostedService<BoundaryStartupLog>();
        return services;
    }
}
