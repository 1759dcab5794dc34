using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Timmy.Api.Data.Sqlite;

/// <summary>
/// EF Core transactions that return the <see cref="SqliteWriteGate"/> however they end: committed, rolled back, or
/// disposed without either. A transaction disposed unended rolls back in SQLite, but EF reports that to interceptors
/// only as a connection close, and only when its count of opens on the connection drops to zero. A pooled context whose
/// count was left above zero (a BEGIN that failed, say) then kept the gate after such a transaction, and every other
/// writer of the process waited for it until its timeout.
/// </summary>
internal sealed class GatedTransactionFactory(RelationalTransactionFactoryDependencies dependencies) : RelationalTransactionFactory(dependencies)
{
    public override RelationalTransaction Create(
        IRelationalConnection connection,
        DbTransaction transaction,
        Guid transactionId,
        IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger,
        bool transactionOwned) =>
        new GatedTransaction(connection, transaction, transactionId, logger, transactionOwned, Dependencies.SqlGenerationHelper);

    /// <summary>EF clears a transaction from its connection once, on commit, rollback or dispose: the gate goes back then.</summary>
    private sealed class GatedTransaction(
        IRelationalConnection connection,
        DbTransaction transaction,
        Guid transactionId,
        IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger,
        bool transactionOwned,
        ISqlGenerationHelper sqlGenerationHelper)
        : RelationalTransaction(connection, transaction, transactionId, logger, transactionOwned, sqlGenerationHelper)
    {
        protected override void ClearTransaction()
        {
            try
            {
                base.ClearTransaction();
            }
            finally
            {
                ReturnGate();
            }
        }

        protected override async Task ClearTransactionAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await base.ClearTransactionAsync(cancellationToken);
            }
            finally
            {
                ReturnGate();
            }
        }

        private void ReturnGate()
        {
            if (Connection.Context is { } context)
            {
                context.GetService<SqliteWriteGate>().Exit(context);
            }
        }
    }
}

internal static class GatedTransactions
{
    public static DbContextOptionsBuilder UseGatedTransactions(this DbContextOptionsBuilder options) =>
        options.ReplaceService<IRelationalTransactionFactory, GatedTransactionFactory>();
}
