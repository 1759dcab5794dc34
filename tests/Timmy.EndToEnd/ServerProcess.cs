using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Timmy.Tests.Fakes;

namespace Timmy.EndToEnd;

/// <summary>
/// Starts Timmy the way the README does (<c>dotnet run --project src/Timmy.Api</c>), adding only
/// <c>--no-build</c> (the test build already built it), a free port and a private database file.
/// </summary>
public sealed class ServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dataFolder;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly bool _ownsDataFolder;

    /// <summary>The fixture form: a fresh database, removed afterwards.</summary>
    public ServerProcess()
        : this(Path.Combine(Path.GetTempPath(), $"timmy-e2e-{Guid.NewGuid():N}"), new Dictionary<string, string>(), ownsDataFolder: true)
    {
    }

    /// <summary>A server over a given data folder (reused across restarts) with extra environment.</summary>
    internal ServerProcess(string dataFolder, IReadOnlyDictionary<string, string> environment, bool ownsDataFolder = false)
    {
        _dataFolder = dataFolder;
        _environment = environment;
        _ownsDataFolder = ownsDataFolder;
    }
    private readonly StringBuilder _output = new();
    private Process? _process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>On PostgreSQL, the database shared by restarts over the same data folder.</summary>
    private string DatabaseName => "timmy_e2e_" + Path.GetFileName(_dataFolder).Replace("-", "_");

    /// <summary>The PostgreSQL database's connection string (null on SQLite), for tests that check what was written.</summary>
    internal string? PostgresConnectionString => TestDatabase.IsPostgres ? new TestDatabase(DatabaseName).ConnectionString : null;

    /// <summary>Extra environment: loopback is a trusted proxy, so tests can act as distinct clients.</summary>
    private static readonly Dictionary<string, string> ExtraEnvironment = new()
    {
        ["ForwardedHeaders__KnownProxies"] = "127.0.0.1",
    };

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataFolder);
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "run", "--no-build", "-c", BuildConfiguration(), "--project", "src/Timmy.Api", "--", "--urls", BaseAddress.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Timmy"] = TestDatabase.IsPostgres
            ? new TestDatabase(DatabaseName).ConnectionString
            : $"Data Source={Path.Combine(_dataFolder, "timmy.db")}";
        foreach (var (key, value) in ExtraEnvironment.Concat(_environment))
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilHealthyAsync();
    }

    /// <summary>SIGKILL, the way a crash or an OOM kill ends the process: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        if (!_ownsDataFolder)
        {
            return;
        }

        if (TestDatabase.IsPostgres)
        {
            new TestDatabase(DatabaseName).Drop();
        }

        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var response = await client.GetAsync("/api/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The server did not answer /api/healthz within {StartupTimeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) { _output.AppendLine(line); }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Timmy.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Cannot find Timmy.slnx above the test folder");
    }

    /// <summary>The configuration these tests were built in (bin/Debug or bin/Release), so --no-build finds the server.</summary>
    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
}
