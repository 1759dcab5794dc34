using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Chat;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Lnbits;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Chat;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Hosting;

/// <summary>
/// The seed's environment variables alone select the real backends when the setting is unset; an explicit setting
/// wins; the startup log says which and why. Sets process environment variables, so it runs alone.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class BackendSelectionTests : IAsyncLifetime
{
    private static readonly string[] SeedVariables = ["LNBITS_URL", "LNBITS_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"];

    private readonly Dictionary<string, string?> _saved = SeedVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly FakeLnbits _lnbits = new();
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync()
    {
        foreach (var name in SeedVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        await _lnbits.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await _lnbits.DisposeAsync();
    }

    [Fact]
    public void Without_the_seed_variables_the_embedded_defaults_are_chosen_and_the_log_says_so()
    {
        using var factory = Factory();

        Assert.IsType<StubPaymentBackend>(PaymentBackend(factory));
        Assert.Equal("offline", factory.Services.GetRequiredService<IOptions<AgentOptions>>().Value.Provider);
        Assert.Equal("offline", factory.Services.GetRequiredService<IOptions<ChatSettings>>().Value.Provider);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Backend chosen: Lightning:Backend = stub (Lightning:Backend is unset and LNBITS_URL", StringComparison.Ordinal));
    }

    [Fact]
    public void LNBITS_URL_with_LNBITS_API_KEY_selects_lnbits_when_the_backend_is_unset()
    {
        Environment.SetEnvironmentVariable("LNBITS_URL", _lnbits.BaseAddress.ToString());
        Environment.SetEnvironmentVariable("LNBITS_API_KEY", FakeLnbits.InvoiceKey);
        using var factory = Factory();

        Assert.IsType<LnbitsPaymentBackend>(PaymentBackend(factory));
        Assert.Contains(_logs.Lines, l => l.StartsWith("Backend chosen: Lightning:Backend = lnbits (Lightning:Backend is unset and LNBITS_URL with LNBITS_API_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void An_explicit_lightning_backend_wins_over_the_seed_variables()
    {
        Environment.SetEnvironmentVariable("LNBITS_URL", _lnbits.BaseAddress.ToString());
        Environment.SetEnvironmentVariable("LNBITS_API_KEY", FakeLnbits.InvoiceKey);
        using var factory = Factory(("Lightning:Backend", "stub"));

        Assert.IsType<StubPaymentBackend>(PaymentBackend(factory));
        Assert.Contains("Backend chosen: Lightning:Backend = stub (Lightning:Backend is set)", _logs.Lines);
    }

    [Fact]
    public void ANTHROPIC_API_KEY_selects_claude_when_the_provider_is_unset_and_an_explicit_provider_wins()
    {
        Environment.SetEnvironmentVariable("ANTHROPIC_API_KEY", FakeAnthropic.ApiKey);
        using (var factory = Factory())
        {
            Assert.Equal("anthropic", factory.Services.GetRequiredService<IOptions<AgentOptions>>().Value.Provider);
            Assert.Contains(_logs.Lines, l => l.StartsWith("Backend chosen: Agent:Provider = anthropic (Agent:Provider is unset and ANTHROPIC_API_KEY", StringComparison.Ordinal));
        }

        using var explicitOffline = Factory(("Agent:Provider", "offline"));
        Assert.Equal("offline", explicitOffline.Services.GetRequiredService<IOptions<AgentOptions>>().Value.Provider);
    }

    [Theory]
    [InlineData("GEMINI_API_KEY")]
    [InlineData("GOOGLE_API_KEY")]
    public void A_gemini_key_selects_gemini_for_chat_when_the_chat_provider_is_unset(string variable)
    {
        Environment.SetEnvironmentVariable(variable, "a-gemini-key");
        using var factory = Factory();

        Assert.Equal("gemini", factory.Services.GetRequiredService<IOptions<ChatSettings>>().Value.Provider);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Backend chosen: Chat:Provider = gemini (Chat:Provider is unset and GEMINI_API_KEY or GOOGLE_API_KEY", StringComparison.Ordinal));

        using var explicitOffline = Factory(("Chat:Provider", "offline"));
        Assert.Equal("offline", explicitOffline.Services.GetRequiredService<IOptions<ChatSettings>>().Value.Provider);
    }

    private static IPaymentBackend PaymentBackend(TimmyFactory factory) =>
        factory.Services.CreateScope().ServiceProvider.GetRequiredService<IPaymentBackend>();

    private TimmyFactory Factory(params (string Key, string Value)[] settings)
    {
        var factory = new TimmyFactory
        {
            Settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
            TestServices = services => services.AddSingleton<ILoggerProvider>(_logs),
        };
        _ = factory.CreateClient(); // starts the host, and with it the startup log
        return factory;
    }

    /// <summary>Keeps every formatted log line.</summary>
    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => _lines.ToList();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
