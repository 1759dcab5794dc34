namespace Timmy.Api.Data;

/// <summary>A secret loaded once per process: the first callers wait for one load, later ones get the cached bytes.</summary>
public sealed class CachedSecret(Func<CancellationToken, Task<byte[]>> load)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _value;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_value is { } cached)
        {
            return cached;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _value ??= await load(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }
}
