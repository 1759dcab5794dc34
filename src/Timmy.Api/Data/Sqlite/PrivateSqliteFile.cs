using Microsoft.Data.Sqlite;

namespace Timmy.Api.Data.Sqlite;

/// <summary>
/// The SQLite file holds the macaroon root key, so on Unix it is the owner's alone: a folder Timmy creates is 0700, the
/// file is created 0600 before SQLite opens it (SQLite then creates its -wal and -shm files with the file's mode), and
/// an existing file and its -wal/-shm lose any group and other permissions. A folder that already exists is left as
/// it is: it may be the working directory or a shared one.
/// </summary>
internal static class PrivateSqliteFile
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupAndOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The database file's full path, or null for an in-memory or URI database.</summary>
    public static string? PathOf(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal)
            ? null
            : Path.GetFullPath(dataSource);
    }

    /// <summary>Before the first open: the folder and the file, owner-only when Timmy creates them.</summary>
    public static void Prepare(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, OwnerOnlyFolder);
            }
        }

        if (!OperatingSystem.IsWindows() && !File.Exists(path))
        {
            // CreateNew with an explicit mode: no window in which the file exists with the umask's mode.
            try
            {
                using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first.
            }
        }

        Tighten(path);
    }

    /// <summary>After SQLite has opened the file: its -wal and -shm files too (an older database's may be readable by others).</summary>
    public static void TightenCompanions(string path)
    {
        Tighten(path + "-wal");
        Tighten(path + "-shm");
    }

    private static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupAndOther) != 0)
        {
            File.SetUnixFileMode(path, mode & ~GroupAndOther);
        }
    }
}
