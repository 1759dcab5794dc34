using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Timmy.Bench;

/// <summary>
/// The storage ceiling: how many insert transactions per second SQLite commits, from C#, with the app's
/// schema (copied from a database Timmy created) and the app's rows (copied from a job Timmy created, with
/// fresh keys), in WAL mode with the connection defaults the app uses (so the same synchronous setting).
/// Two shapes: one transaction inserting a job and its eval invoice (the ceiling), and the two transactions
/// that POST /api/jobs commits today (the stub node's invoice, then the job with its invoice).
/// </summary>
public static class SqliteCeiling
{
    private const int Rounds = 5;

    public static int Run(Options options)
    {
        var templatePath = options.Required("template");
        var path = options.Required("db");
        var duration = options.Seconds("seconds", 10);

        var template = Template.Read(templatePath);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        // The app's connection string is a plain Data Source plus a busy timeout: no pragmas beyond WAL.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        foreach (var statement in template.Schema)
        {
            Execute(connection, statement);
        }

        var synchronous = Scalar(connection, "PRAGMA synchronous;");
        if (synchronous != template.Synchronous)
        {
            throw new InvalidOperationException($"synchronous is {synchronous} here but {template.Synchronous} for the app");
        }

        var jobs = new RowInserter(connection, "jobs", template.Job);
        var invoices = new RowInserter(connection, "invoices", template.Invoice);
        var stubInvoices = new RowInserter(connection, "stub_invoices", template.StubInvoice);

        void InsertJobWithInvoice(string paymentHash)
        {
            var jobId = NewId();
            using var transaction = connection.BeginTransaction();
            jobs.Insert(transaction, ("Id", jobId));
            invoices.Insert(transaction, ("Id", NewId()), ("JobId", jobId), ("PaymentHash", paymentHash));
            transaction.Commit();
        }

        void InsertStubInvoice(string paymentHash)
        {
            using var transaction = connection.BeginTransaction();
            stubInvoices.Insert(transaction, ("PaymentHash", paymentHash));
            transaction.Commit();
        }

        void InsertLikePostJobs()
        {
            var hash = NewHash();
            InsertStubInvoice(hash);
            InsertJobWithInvoice(hash);
        }

        // A warm-up grows the files and JITs the loop; then the two shapes take turns, so that a noisy
        // neighbour on the disk or the CPU weighs on both alike.
        Repeat(TimeSpan.FromSeconds(1), () => InsertJobWithInvoice(NewHash()));
        var single = new Rate();
        var appShaped = new Rate();
        for (var round = 0; round < Rounds; round++)
        {
            single.Add(Repeat(duration / Rounds / 2, () => InsertJobWithInvoice(NewHash())));
            appShaped.Add(Repeat(duration / Rounds / 2, InsertLikePostJobs));
        }

        Console.WriteLine($"SQLite {SqliteVersion(connection)}, WAL, synchronous={synchronous}: {single.PerSecond:0} job+invoice transactions/s; " +
            $"{appShaped.PerSecond:0} creates/s shaped like POST /api/jobs (2 transactions each)");
        Report.Result(
            "sqlite",
            ("tx_per_s", single.PerSecond),
            ("create_shape_per_s", appShaped.PerSecond),
            ("synchronous", synchronous),
            ("busy_timeout_ms", Scalar(connection, "PRAGMA busy_timeout;")),
            ("sqlite_version", SqliteVersion(connection)));
        return 0;
    }

    /// <summary>Runs <paramref name="action"/> over and over for <paramref name="duration"/>.</summary>
    private static (int Count, TimeSpan Elapsed) Repeat(TimeSpan duration, Action action)
    {
        var count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            action();
            count++;
        }

        return (count, watch.Elapsed);
    }

    private sealed class Rate
    {
        private int _count;
        private TimeSpan _elapsed;

        public double PerSecond => _count / _elapsed.TotalSeconds;

        public void Add((int Count, TimeSpan Elapsed) run)
        {
            _count += run.Count;
            _elapsed += run.Elapsed;
        }
    }

    // EF Core stores Guids as upper-case text and payment hashes as lower-case hex.
    private static string NewId() => Guid.NewGuid().ToString().ToUpperInvariant();

    private static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string SqliteVersion(SqliteConnection connection) => Scalar(connection, "SELECT sqlite_version();");

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <summary>What is copied from the app's database: its schema, its synchronous setting and one fresh job's rows.</summary>
    private sealed record Template(
        IReadOnlyList<string> Schema,
        string Synchronous,
        IReadOnlyDictionary<string, object> Job,
        IReadOnlyDictionary<string, object> Invoice,
        IReadOnlyDictionary<string, object> StubInvoice)
    {
        public static Template Read(string path)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
            }.ToString());
            connection.Open();
            var schema = Rows(connection, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid;")
                .Select(row => (string)row["sql"])
                .ToList();
            var job = Rows(connection, "SELECT * FROM jobs WHERE State = 'awaiting_eval_payment' LIMIT 1;").FirstOrDefault()
                ?? throw new InvalidOperationException($"{path} has no job awaiting eval payment to copy");
            var invoice = Rows(connection, $"SELECT * FROM invoices WHERE JobId = '{job["Id"]}' AND Kind = 'JobEval';").Single();
            var stubInvoice = Rows(connection, $"SELECT * FROM stub_invoices WHERE PaymentHash = '{invoice["PaymentHash"]}';").Single();
            return new Template(schema, Scalar(connection, "PRAGMA synchronous;"), job, invoice, stubInvoice);
        }

        private static List<Dictionary<string, object>> Rows(SqliteConnection connection, string sql)
        {
            using var command = new SqliteCommand(sql, connection);
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object>>();
            while (reader.Read())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetValue));
            }

            return rows;
        }
    }

    /// <summary>A prepared INSERT of every column of a template row, with some columns overridden per row.</summary>
    private sealed class RowInserter
    {
        private readonly SqliteCommand _command;

        public RowInserter(SqliteConnection connection, string table, IReadOnlyDictionary<string, object> template)
        {
            var columns = template.Keys.ToList();
            _command = new SqliteCommand(
                $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                $"VALUES ({string.Join(", ", columns.Select(c => $"${c}"))});",
                connection);
            foreach (var column in columns)
            {
                _command.Parameters.AddWithValue($"${column}", template[column]);
            }
        }

        public void Insert(SqliteTransaction transaction, params (string Column, object Value)[] overrides)
        {
            foreach (var (column, value) in overrides)
            {
                _command.Parameters[$"${column}"].Value = value;
            }

            _command.Transaction = transaction;
            _command.ExecuteNonQuery();
        }
    }
}
