using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Timmy.Api.Chat;
using Timmy.Api.Instances;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Api.Sessions;

namespace Timmy.Api.Data;

/// <summary>
/// The one model of Timmy's data. Each database provider has a subclass (see <see cref="SqliteTimmyDbContext"/>,
/// <see cref="PostgresTimmyDbContext"/>) only so that each keeps its own migrations; services ask for this type.
/// </summary>
public abstract class TimmyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionLedgerEntry> SessionLedger => Set<SessionLedgerEntry>();

    public DbSet<SessionRequest> SessionRequests => Set<SessionRequest>();

    public DbSet<SessionWithdrawal> SessionWithdrawals => Set<SessionWithdrawal>();

    public DbSet<PayoutClaim> PayoutClaims => Set<PayoutClaim>();

    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();

    public DbSet<StubInvoice> StubInvoices => Set<StubInvoice>();

    public DbSet<StubPayment> StubPayments => Set<StubPayment>();

    public DbSet<Instance> Instances => Set<Instance>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TimmyDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Money in USD is computed in decimal; sats are integers everywhere.
        configurationBuilder.Properties<decimal>().HavePrecision(28, 12);
        if (Database.IsSqlite())
        {
            // SQLite has no timestamp type; a sortable integer keeps range queries and ordering in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
}
