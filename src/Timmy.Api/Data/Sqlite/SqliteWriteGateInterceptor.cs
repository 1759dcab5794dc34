using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Timmy.Api.Data.Sqlite;

/// <summary>
/// Puts every EF Core write on SQLite through the <see cref="SqliteWriteGate"/>: a transaction takes the gate when it
/// begins and returns it when it ends, however it ends (<see cref="GatedTransactionFactory"/>), or at once when BEGIN
/// itself fails; a write statement outside a transaction holds it until it has run (for a statement that returns rows,
/// until its reader is disposed, when SQLite commits it). Reads never wait.
/// </summary>
public sealed class SqliteWriteGateInterceptor(SqliteWriteGate gate) : DbCommandInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    // --- transactions: the gate is held from BEGIN to the end -----------------------------------------

    /// <summary>Begins the transaction here, so that a BEGIN that fails (cancelled, or the file locked by another process) returns the gate.</summary>
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        await gate.EnterAsync(context, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            gate.Exit(context);
            throw;
        }
    }

    /// <inheritdoc cref="TransactionStartingAsync"/>
    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var context = eventData.Context!;
        gate.Enter(context);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            gate.Exit(context);
            throw;
        }
    }

    // --- the safety net: a closed connection holds no SQLite lock, so it holds no gate either ------------

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Exit(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => ExitAsync(eventData.Context);

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Exit(eventData.Context);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData) => ExitAsync(eventData.Context);

    // --- single write statements outside a transaction -----------------------------------------------

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitAfterStatement(command, eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ExitAfterStatement(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        ExitAfterStatement(command, eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        ExitAfterStatement(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitAfterStatement(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitAfterStatement(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        ExitAfterStatement(command, eventData);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExitAfterStatement(command, eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitAfterStatement(command, eventData);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ExitAfterStatement(command, eventData);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitAfterStatement(command, eventData);
        return Task.CompletedTask;
    }

    private async ValueTask EnterForStatementAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken)
    {
        if (IsStandaloneWrite(command, eventData.Context))
        {
            await gate.EnterAsync(eventData.Context!, cancellationToken);
        }
    }

    private void EnterForStatement(DbCommand command, CommandEventData eventData)
    {
        if (IsStandaloneWrite(command, eventData.Context))
        {
            gate.Enter(eventData.Context!);
        }
    }

    /// <summary>Inside a transaction the transaction holds the gate until it ends; a statement returns only its own.</summary>
    private void ExitAfterStatement(DbCommand command, DbContextEventData eventData)
    {
        if (command.Transaction is null && eventData.Context is { } context)
        {
            gate.Exit(context);
        }
    }

    private static bool IsStandaloneWrite(DbCommand command, DbContext? context) =>
        context is not null && command.Transaction is null && SqlStatements.MayWrite(command.CommandText);

    private void Exit(DbContext? context)
    {
        if (context is not null)
        {
            gate.Exit(context);
        }
    }

    private Task ExitAsync(DbContext? context)
    {
        Exit(context);
        return Task.CompletedTask;
    }
}
