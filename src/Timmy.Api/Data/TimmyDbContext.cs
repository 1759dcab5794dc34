using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Timmy.Api.Chat;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;

namespace Timmy.Api.Data;

public sealed class TimmyDbContext(DbContextOptions<TimmyDbContext> options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<StubInvoice> StubInvoices => Set<StubInvoice>();

    public DbSet<StubPayment> StubPayments => Set<StubPayment>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TimmyDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite has no timestamp type; a sortable integer keeps range queries and ordering in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
}
