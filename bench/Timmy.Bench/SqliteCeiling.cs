using System.Diagnostics;
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

        using var template = new SqliteTemplate(templatePath);
        var job = template.Row("SELECT * FROM jobs WHERE State = 'awaiting_eval_payment' LIMIT 1;");
        var invoice = template.Row($"SELECT * FROM invoices WHERE JobId = '{job["Id"]}' AND Kind = 'JobEval';");
        var stubInvoice = template.Row($"SELECT * FROM stub_invoices WHERE PaymentHash = '{invoice["PaymentHash"]}';");
        using var connection = template.CreateEmptyCopy(path);
        var synchronous = template.Synchronous;

        var jobs = new RowInserter(connection, "jobs", job);
        var invoices = new RowInserter(connection, "invoices", invoice);
        var stubInvoices = new RowInserter(connection, "stub_invoices", stubInvoice);

        void InsertJobWithInvoice(string paymentHash)
        {
            var jobId = Sql.NewId();
            using var transaction = connection.BeginTransaction();
            jobs.Insert(transaction, ("Id", jobId));
            invoices.Insert(transaction, ("Id", Sql.NewId()), ("JobId", jobId), ("PaymentHash", paymentHash));
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
            var hash = Sql.NewHash();
            InsertStubInvoice(hash);
            InsertJobWithInvoice(hash);
        }

        // A warm-up grows the files and JITs the loop; then the two shapes take turns, so that a noisy
        // neighbour on the disk or the CPU weighs on both alike.
        Repeat(TimeSpan.FromSeconds(1), () => InsertJobWithInvoice(Sql.NewHash()));
        var single = new Rate();
        var appShaped = new Rate();
        for (var round = 0; round < Rounds; round++)
        {
            single.Add(Repeat(duration / Rounds / 2, () => InsertJobWithInvoice(Sql.NewHash())));
            appShaped.Add(Repeat(duration / Rounds / 2, InsertLikePostJobs));
        }

        Console.WriteLine($"SQLite {Sql.Version(connection)}, WAL, synchronous={synchronous}: {single.PerSecond:0} job+invoice transactions/s; " +
            $"{appShaped.PerSecond:0} creates/s shaped like POST /api/jobs (2 transactions each)");
        Report.Result(
            "sqlite",
            ("tx_per_s", single.PerSecond),
            ("create_shape_per_s", appShaped.PerSecond),
            ("synchronous", synchronous),
            ("busy_timeout_ms", Sql.Scalar(connection, "PRAGMA busy_timeout;")),
            ("sqlite_version", Sql.Version(connection)));
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
}
