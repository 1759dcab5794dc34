using Microsoft.Data.Sqlite;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>The SQLite file holds the macaroon root key: it and the folder Timmy creates for it are the owner's alone.</summary>
public sealed class PrivateDatabaseTests : IDisposable
{
    private const UnixFileMode GroupAndOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"timmy_private_{Guid.NewGuid():N}");

    [Fact]
    public async Task A_fresh_database_and_its_folder_are_created_for_the_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_root, "data", "timmy.db");
        using (var factory = Factory(path))
        {
            await factory.CreateClient().CreateJobAsync("What is a satoshi?"); // a write, so the -wal and -shm exist

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                Assert.True(File.Exists(file), file);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public void An_existing_world_readable_database_is_made_private_at_start()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "old.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.WriteAllBytes(file, []);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.Delete(path + "-wal"); // an empty database with a stale -shm: SQLite rebuilds it
        var folderMode = File.GetUnixFileMode(_root);
        using var factory = Factory(path);
        _ = factory.CreateClient();

        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(path) & GroupAndOther);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(path + "-shm") & GroupAndOther);
        Assert.Equal(folderMode, File.GetUnixFileMode(_root)); // a folder that already existed is not Timmy's to change
    }

    private static TimmyFactory Factory(string path) => new()
    {
        Settings = { ["ConnectionStrings:Timmy"] = $"Data Source={path}" },
    };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
