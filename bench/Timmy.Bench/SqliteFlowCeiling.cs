using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Timmy.Bench;

/// <summary>
/// The scale step's storage ceiling: every write a job makes from its eval payment to its completion, raw, from C#, on
/// one connection with prepared statements, in transactions of up to <c>--batch</c> writes, as the group commit groups
/// them at its largest. The app's schema, rows and synchronous setting (<see cref="SqliteTemplate"/>); nothing else
/// runs. A job's seven units, as Timmy makes them: the stub node settles the eval invoice; the invoice is recorded
/// paid and the job moves to evaluating, leased; the stub node issues the work invoice; the job moves to
/// awaiting_work_payment with its quote, and its work invoice is inserted; the stub node settles that; it is recorded
/// paid and the job moves to executing, leased; the job completes with its result and costs. As in the scale step,
/// every job enters each stage together, so the units run stage by stage.
/// </summary>
public static class SqliteFlowCeiling
{
    public const int UnitsPerJob = 7;

    public static int Run(Options options)
    {
        var path = options.Required("db");
        var jobCount = options.Int("jobs", 10_000);
        var batch = options.Int("batch", 256);

        using var template = new SqliteTemplate(options.Required("template"));
        var unpaidJob = template.Row("SELECT * FROM jobs WHERE State = 'awaiting_eval_payment' LIMIT 1;");
        var evalInvoice = template.Row($"SELECT * FROM invoices WHERE JobId = '{unpaidJob["Id"]}' AND Kind = 'JobEval';");
        var evalStubInvoice = template.Row($"SELECT * FROM stub_invoices WHERE PaymentHash = '{evalInvoice["PaymentHash"]}';");
        var doneJob = template.Row("SELECT * FROM jobs WHERE State = 'complete' LIMIT 1;");
        var workInvoice = template.Row($"SELECT * FROM invoices WHERE JobId = '{doneJob["Id"]}' AND Kind = 'JobWork';");
        var workStubInvoice = template.Row($"SELECT * FROM stub_invoices WHERE PaymentHash = '{workInvoice["PaymentHash"]}';");
        using var connection = template.CreateEmptyCopy(path);

        var jobs = Seed(connection, jobCount, unpaidJob, evalInvoice, evalStubInvoice);
        var statements = new Statements(connection, doneJob, workInvoice, workStubInvoice);
        var units = statements.UnitsOf(jobs);

        var watch = Stopwatch.StartNew();
        foreach (var chunk in units.Chunk(batch))
        {
            using var transaction = connection.BeginTransaction();
            foreach (var unit in chunk)
            {
                unit(transaction);
            }

            transaction.Commit();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"SQLite {Sql.Version(connection)}, WAL, synchronous={template.Synchronous}: the writes of {jobCount} jobs " +
            $"({units.Count} units, up to {batch} a transaction) in {seconds:0.00} s: {units.Count / seconds:0} units/s = {jobCount / seconds:0} jobs/s");
        Report.Result(
            "flow_writes",
            ("jobs", jobCount),
            ("batch", batch),
            ("units_per_job", UnitsPerJob),
            ("elapsed_s", seconds),
            ("units_per_s", units.Count / seconds),
            ("jobs_per_s", jobCount / seconds));
        return 0;
    }

    /// <summary>Untimed: the jobs as the scale step starts them, awaiting eval payment, each with its invoices.</summary>
    private static List<FlowJob> Seed(
        SqliteConnection connection, int count, Dictionary<string, object> job, Dictionary<string, object> invoice, Dictionary<string, object> stubInvoice)
    {
        var jobs = new RowInserter(connection, "jobs", job);
        var invoices = new RowInserter(connection, "invoices", invoice);
        var stubInvoices = new RowInserter(connection, "stub_invoices", stubInvoice);
        var seeded = new List<FlowJob>(count);
        using var transaction = connection.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            var flowJob = new FlowJob(Sql.NewId(), Sql.NewId(), Sql.NewHash(), Sql.NewId(), Sql.NewHash());
            jobs.Insert(transaction, ("Id", flowJob.Id));
            invoices.Insert(transaction, ("Id", flowJob.EvalInvoiceId), ("JobId", flowJob.Id), ("PaymentHash", flowJob.EvalHash));
            stubInvoices.Insert(transaction, ("PaymentHash", flowJob.EvalHash));
            seeded.Add(flowJob);
        }

        transaction.Commit();
        Sql.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return seeded;
    }

    private sealed record FlowJob(string Id, string EvalInvoiceId, string EvalHash, string WorkInvoiceId, string WorkHash);

    /// <summary>The flow's statements, as the app writes them: conditional moves, columns named, values from a real job.</summary>
    private sealed class Statements(
        SqliteConnection connection, Dictionary<string, object> doneJob, Dictionary<string, object> workInvoice, Dictionary<string, object> workStubInvoice)
    {
        private const string LeaseOwner = "bench-instance";

        private static readonly string[] Lease = ["State", "UpdatedAt", "LeaseOwner", "LeaseExpiresAt", "Attempts"];
        private static readonly string[] Quote =
        [
            "EvalModel", "EvalInputTokens", "EvalOutputTokens", "EstimatedInputTokens", "EstimatedOutputTokens", "EstimatedCostUsd",
            "InputUsdPerMillion", "OutputUsdPerMillion", "InfraCostUsd", "MarginPct", "BtcPriceUsd",
        ];

        private static readonly string[] Settlement =
        [
            "CompletedAt", "Result", "WorkModel", "WorkInputTokens", "WorkOutputTokens", "ActualCostUsd", "ActualChargeUsd",
            "ActualAmountSats", "RefundAmountSats", "RefundState",
        ];

        private readonly RowUpdater _settle = new(connection, "stub_invoices", ["SettledAt"], ["PaymentHash"], "\"SettledAt\" IS NULL");
        private readonly RowUpdater _recordPaid = new(connection, "invoices", ["PaidAt"], ["Id"], "\"PaidAt\" IS NULL");
        private readonly RowUpdater _moveLeased = new(connection, "jobs", Lease, ["Id", "State"]);
        private readonly RowUpdater _moveQuoted = new(connection, "jobs", [.. Lease, .. Quote], ["Id", "State"]);
        private readonly RowUpdater _complete = new(connection, "jobs", [.. Lease, .. Settlement], ["Id", "State"]);
        private readonly RowInserter _stubInvoices = new(connection, "stub_invoices", workStubInvoice);
        private readonly RowInserter _invoices = new(connection, "invoices", workInvoice);

        public List<Action<SqliteTransaction>> UnitsOf(List<FlowJob> jobs)
        {
            var now = DateTimeOffset.UtcNow.UtcTicks;
            var leaseEnds = now + TimeSpan.TicksPerMinute;
            object[] Unleased(string state) => [state, now, DBNull.Value, DBNull.Value, 0];
            object[] Leased(string state) => [state, now, LeaseOwner, leaseEnds, 1];
            object[] Copied(string[] columns) => [.. columns.Select(column => doneJob[column])];
            IEnumerable<Action<SqliteTransaction>> Stage(Action<SqliteTransaction, FlowJob> unit) =>
                jobs.Select(job => (Action<SqliteTransaction>)(transaction => unit(transaction, job)));

            return
            [
                .. Stage((tx, job) => _settle.Update(tx, [now], [job.EvalHash])),
                .. Stage((tx, job) =>
                {
                    _recordPaid.Update(tx, [now], [job.EvalInvoiceId]);
                    _moveLeased.Update(tx, Leased("evaluating"), [job.Id, "awaiting_eval_payment"]);
                }),
                // Copied from a paid job's invoices, so issued unpaid here.
                .. Stage((tx, job) => _stubInvoices.Insert(tx, ("PaymentHash", job.WorkHash), ("SettledAt", DBNull.Value))),
                .. Stage((tx, job) =>
                {
                    _moveQuoted.Update(tx, [.. Unleased("awaiting_work_payment"), .. Copied(Quote)], [job.Id, "evaluating"]);
                    _invoices.Insert(tx, ("Id", job.WorkInvoiceId), ("JobId", job.Id), ("PaymentHash", job.WorkHash), ("PaidAt", DBNull.Value));
                }),
                .. Stage((tx, job) => _settle.Update(tx, [now], [job.WorkHash])),
                .. Stage((tx, job) =>
                {
                    _recordPaid.Update(tx, [now], [job.WorkInvoiceId]);
                    _moveLeased.Update(tx, Leased("executing"), [job.Id, "awaiting_work_payment"]);
                }),
                .. Stage((tx, job) => _complete.Update(tx, [.. Unleased("complete"), .. Copied(Settlement)], [job.Id, "executing"])),
            ];
        }
    }

    /// <summary>A prepared <c>UPDATE … SET … WHERE … AND …</c> that must change exactly one row, as a won move does.</summary>
    private sealed class RowUpdater
    {
        private readonly SqliteCommand _command;
        private readonly int _setCount;

        public RowUpdater(SqliteConnection connection, string table, string[] set, string[] match, string? alsoWhere = null)
        {
            var conditions = match.Select(column => $"\"{column}\" = $w_{column}").Append(alsoWhere).OfType<string>();
            _command = new SqliteCommand(
                $"UPDATE \"{table}\" SET {string.Join(", ", set.Select(column => $"\"{column}\" = $s_{column}"))} " +
                $"WHERE {string.Join(" AND ", conditions)};",
                connection);
            foreach (var name in set.Select(column => "$s_" + column).Concat(match.Select(column => "$w_" + column)))
            {
                _command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            _setCount = set.Length;
        }

        public void Update(SqliteTransaction transaction, object[] values, object[] keys)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _command.Parameters[i].Value = values[i];
            }

            for (var i = 0; i < keys.Length; i++)
            {
                _command.Parameters[_setCount + i].Value = keys[i];
            }

            _command.Transaction = transaction;
            if (_command.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException($"Expected to change one row: {_command.CommandText}");
            }
        }
    }
}
