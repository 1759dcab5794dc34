using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>
/// The hot statements written as SQL (<see cref="ConditionalUpdate{TEntity}"/>, <see cref="RowInsert"/>) store every
/// value exactly as EF would, on SQLite and on PostgreSQL: EF reads back what they wrote.
/// </summary>
public sealed class HandWrittenStatementTests : IDisposable
{
    // A precision both keep: PostgreSQL keeps microseconds, SQLite's binary timestamp converter 100 µs.
    private static readonly DateTimeOffset Moment = new(2026, 12, 1, 21, 30, 15, 123, 400, TimeSpan.Zero);

    private readonly TimmyFactory _factory = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_conditional_update_stores_each_value_as_EF_reads_it(bool inTransaction)
    {
        var jobId = await NewJobAsync();

        var rows = await WithDbAsync(inTransaction, db => new ConditionalUpdate<Job>()
            .SetProperty(j => j.State, JobState.Complete)
            .SetProperty(j => j.UpdatedAt, Moment)
            .SetProperty(j => j.CompletedAt, Moment.AddSeconds(1))
            .SetProperty(j => j.EstimatedCostUsd, 0.000123456789m)
            .SetProperty(j => j.RefundAmountSats, 42L)
            .SetProperty(j => j.RefundState, RefundState.Pending)
            .SetProperty(j => j.Result, "it's \"quoted\"; DROP TABLE jobs; -- ünïcode ✓")
            .Where(j => j.Id, jobId)
            .Where(j => j.State, JobState.AwaitingEvalPayment)
            .ExecuteAsync(db, CancellationToken.None));

        Assert.Equal(1, rows);
        var job = await LoadAsync(jobId);
        Assert.Equal(JobState.Complete, job.State);
        Assert.Equal(Moment, job.UpdatedAt);
        Assert.Equal(Moment.AddSeconds(1), job.CompletedAt);
        Assert.Equal(0.000123456789m, job.EstimatedCostUsd);
        Assert.Equal(42L, job.RefundAmountSats);
        Assert.Equal(RefundState.Pending, job.RefundState);
        Assert.Equal("it's \"quoted\"; DROP TABLE jobs; -- ünïcode ✓", job.Result);
        // Stored in EF's own form: EF's translated comparisons (converters applied to the constants) find the row.
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Jobs.CountAsync(j => j.Id == jobId
            && j.State == JobState.Complete
            && j.UpdatedAt == Moment
            && j.EstimatedCostUsd == 0.000123456789m
            && j.RefundState == RefundState.Pending)));
    }

    [Fact]
    public async Task A_conditional_update_changes_nothing_when_its_condition_does_not_hold()
    {
        var jobId = await NewJobAsync();

        var wrongState = await _factory.WithDbAsync(db => new ConditionalUpdate<Job>()
            .SetProperty(j => j.Result, "never")
            .Where(j => j.Id, jobId)
            .Where(j => j.State, JobState.Executing)
            .ExecuteAsync(db, CancellationToken.None));
        var stillUnset = await _factory.WithDbAsync(db => new ConditionalUpdate<Job>()
            .SetProperty(j => j.CompletedAt, Moment)
            .Where(j => j.Id, jobId)
            .Where(j => j.CompletedAt, null)
            .ExecuteAsync(db, CancellationToken.None));
        var alreadySet = await _factory.WithDbAsync(db => new ConditionalUpdate<Job>()
            .SetProperty(j => j.CompletedAt, Moment.AddDays(1))
            .Where(j => j.Id, jobId)
            .Where(j => j.CompletedAt, null)
            .ExecuteAsync(db, CancellationToken.None));

        Assert.Equal((0, 1, 0), (wrongState, stillUnset, alreadySet));
        var job = await LoadAsync(jobId);
        Assert.Null(job.Result);
        Assert.Equal(Moment, job.CompletedAt);
    }

    [Fact]
    public async Task A_hand_written_statement_is_part_of_the_transaction_it_runs_in()
    {
        var jobId = await NewJobAsync();

        await _factory.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new ConditionalUpdate<Job>().SetProperty(j => j.Result, "rolled back").Where(j => j.Id, jobId).ExecuteAsync(db, CancellationToken.None);
            await RowInsert.ExecuteAsync(db, NewStubInvoice("rolled back"), CancellationToken.None);
            await transaction.RollbackAsync();
            return 0;
        });

        Assert.Null((await LoadAsync(jobId)).Result);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubInvoices.CountAsync(i => i.Memo == "rolled back")));
    }

    [Fact]
    public async Task A_kept_statement_runs_in_each_transaction_of_its_connection_with_each_calls_values()
    {
        var (first, second) = (await NewJobAsync(), await NewJobAsync());

        // One connection held open across transactions, as the group commit's writer holds it: the same statement
        // text runs eight times on the command kept for it (past the point where a driver would have prepared it),
        // each time in a new transaction with new values; the last two are rolled back.
        await _factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            for (var take = 0; take < 8; take++)
            {
                await SetResultInTransactionAsync(db, take % 2 == 0 ? first : second, $"take {take}", commit: take < 6);
            }

            return 0;
        });

        Assert.Equal("take 4", (await LoadAsync(first)).Result);
        Assert.Equal("take 5", (await LoadAsync(second)).Result);
    }

    [SkippableFact]
    public async Task A_kept_statement_of_a_connection_that_closed_and_opened_again_runs_in_the_new_transaction()
    {
        // A pooled request context closes its connection after each transaction, and SQLite's own pool hands the
        // native connection under it to whoever opens next. A statement kept across a close ran on the native
        // connection it was first prepared on: outside the transaction, committed at once or busy on its lock.
        Skip.If(TestDatabase.IsPostgres, "Statements are kept on SQLite only");
        var jobId = await NewJobAsync();
        await _factory.WithDbAsync(async db =>
        {
            await SetResultInTransactionAsync(db, jobId, "first", commit: true);
            await SetResultInTransactionAsync(db, jobId, "second", commit: true);
            // Another connection takes the native connection those ran on, back in SQLite's pool.
            await using var other = new SqliteConnection(db.Database.GetConnectionString());
            await other.OpenAsync();
            ((SqliteConnection)db.Database.GetDbConnection()).DefaultTimeout = 2;

            await SetResultInTransactionAsync(db, jobId, "rolled back", commit: false);
            return 0;
        });

        Assert.Equal("second", (await LoadAsync(jobId)).Result);
    }

    [Fact]
    public async Task A_kept_insert_reports_a_duplicate_as_SaveChanges_would()
    {
        var stub = NewStubInvoice("twice");

        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => _factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await RowInsert.ExecuteAsync(db, stub, CancellationToken.None);
            return await RowInsert.ExecuteAsync(db, stub, CancellationToken.None);
        }));

        Assert.True(duplicate.IsUniqueViolationOn("stub_invoices"));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubInvoices.CountAsync(i => i.PaymentHash == stub.PaymentHash)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_row_insert_writes_every_column_as_EF_reads_it(bool inTransaction)
    {
        var jobId = await NewJobAsync();
        var invoice = new Invoice
        {
            Id = Guid.NewGuid(),
            JobId = jobId,
            Kind = InvoiceKind.JobWork,
            PaymentHash = new string('a', 64),
            PaymentRequest = "lnbcrt210u1stub_aaaaaaaaaaaaaaaa",
            AmountSats = 210,
            CreatedAt = Moment,
            PaidAt = Moment.AddMinutes(1),
        };
        var stub = NewStubInvoice("Timmy work fee");

        await WithDbAsync(inTransaction, async db =>
        {
            await RowInsert.ExecuteAsync(db, invoice, CancellationToken.None);
            return await RowInsert.ExecuteAsync(db, stub, CancellationToken.None);
        });

        var stored = await _factory.WithDbAsync(db => db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoice.Id));
        Assert.Equivalent(invoice, stored, strict: true);
        var storedStub = await _factory.WithDbAsync(db => db.StubInvoices.AsNoTracking().SingleAsync(i => i.PaymentHash == stub.PaymentHash));
        Assert.Equivalent(stub, storedStub, strict: true);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Invoices.CountAsync(i => i.Id == invoice.Id
            && i.Kind == InvoiceKind.JobWork
            && i.CreatedAt == Moment
            && i.PaidAt == Moment.AddMinutes(1))));
    }

    [Fact]
    public async Task A_row_insert_refuses_an_unset_key_and_reports_a_duplicate_as_SaveChanges_would()
    {
        var unset = new Invoice { PaymentHash = new string('b', 64), PaymentRequest = "lnbcrt10u1stub_bbbbbbbbbbbbbbbb", AmountSats = 10 };
        var stub = NewStubInvoice("twice");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _factory.WithDbAsync(db => RowInsert.ExecuteAsync(db, unset, CancellationToken.None)));
        await _factory.WithDbAsync(db => RowInsert.ExecuteAsync(db, stub, CancellationToken.None));
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() =>
            _factory.WithDbAsync(db => RowInsert.ExecuteAsync(db, stub, CancellationToken.None)));

        Assert.Contains("Invoice.Id must be set", refused.Message);
        Assert.True(duplicate.IsUniqueViolationOn("stub_invoices"));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Invoices.CountAsync(i => i.PaymentHash == unset.PaymentHash)));
    }

    [Fact]
    public void Only_a_property_of_the_entity_can_be_named()
    {
        Func<Job, int> selector = j => j.Attempts;
        Assert.Throws<ArgumentException>(() => new ConditionalUpdate<Job>().SetProperty(j => j.Request.Length, 1));
        Assert.Throws<ArgumentException>(() => new ConditionalUpdate<Job>().Where(j => j.Attempts + 1, 2));
        Assert.Throws<ArgumentException>(() => new ConditionalUpdate<Job>().Where(selector, 2));
        Assert.Throws<ArgumentException>(() => new ConditionalUpdate<Job>().Where(j => selector(j), 2));
    }

    [Fact]
    public async Task A_property_is_named_by_any_spelling_of_a_member_lambda()
    {
        var jobId = await NewJobAsync();

        var rows = await _factory.WithDbAsync(db => new ConditionalUpdate<Job>()
            .SetProperty((job) => job.Result, "spelled with parentheses")
            .SetProperty(x=>x.Attempts, 7)
            .Where(j => j.Id, jobId)
            .ExecuteAsync(db, CancellationToken.None));

        Assert.Equal(1, rows);
        var stored = await LoadAsync(jobId);
        Assert.Equal(("spelled with parentheses", 7), (stored.Result, stored.Attempts));
    }

    public void Dispose() => _factory.Dispose();

    private static StubInvoice NewStubInvoice(string memo)
    {
        var (preimage, hash) = PaymentHash.NewPreimage();
        return new StubInvoice
        {
            PaymentHash = hash,
            Preimage = preimage,
            PaymentRequest = $"lnbcrt210u1stub_{hash[..16]}",
            AmountSats = 210,
            Memo = memo,
            CreatedAt = Moment,
            ExpiresAt = Moment.AddHours(1),
            SettledAt = null,
        };
    }

    private static async Task SetResultInTransactionAsync(TimmyDbContext db, Guid jobId, string result, bool commit)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var rows = await new ConditionalUpdate<Job>().SetProperty(j => j.Result, result).Where(j => j.Id, jobId).ExecuteAsync(db, CancellationToken.None);
        Assert.Equal(1, rows);
        if (commit)
        {
            await transaction.CommitAsync();
        }
    }

    /// <summary>Runs <paramref name="work"/> alone (through EF), or in a committed transaction (on the command kept for it).</summary>
    private Task<int> WithDbAsync(bool inTransaction, Func<TimmyDbContext, Task<int>> work) => _factory.WithDbAsync(async db =>
    {
        if (!inTransaction)
        {
            return await work(db);
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var rows = await work(db);
        await transaction.CommitAsync();
        return rows;
    });

    private Task<Job> LoadAsync(Guid jobId) => _factory.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

    private Task<Guid> NewJobAsync() => _factory.CreateClient().CreateJobIdAsync();
}
