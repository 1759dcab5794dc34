namespace Timmy.Tests.Fakes;

/// <summary>A test class that runs against one fake, started before each test and stopped after it.</summary>
public abstract class FakeServerTests<TFake> : IAsyncLifetime
    where TFake : LoopbackServer, new()
{
    protected TFake Fake { get; } = new();

    public Task InitializeAsync() => Fake.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();
}
