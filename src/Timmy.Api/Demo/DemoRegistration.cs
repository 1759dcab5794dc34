using StackExchange.Redis;

namespace Timmy.Api.Demo;

public static class DemoRegistration
{
    /// <summary>In memory by default; shared through Redis across instances when <c>ConnectionStrings:Redis</c> is set.</summary>
    public static IServiceCollection AddTimmyDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<InMemoryDemoRateLimiter>();
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<IDemoRateLimiter>(sp => sp.GetRequiredService<InMemoryDemoRateLimiter>());
            return services;
        }

        var redisOptions = ConfigurationOptions.Parse(redis);
        // Start even if Redis is down; the limiter falls back until it comes back.
        redisOptions.AbortOnConnectFail = false;
        // Connected here, not lazily on the first request, where a burst would block thread-pool threads waiting for it.
        // (Returned from a factory so the container disposes it.)
        var multiplexer = ConnectionMultiplexer.Connect(redisOptions);
        services.AddSingleton<IConnectionMultiplexer>(_ => multiplexer);
        services.AddSingleton<IDemoRateLimiter, RedisDemoRateLimiter>();
        return services;
    }
}
