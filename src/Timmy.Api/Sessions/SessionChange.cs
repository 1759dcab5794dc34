using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Timmy.Api.Data;

namespace Timmy.Api.Sessions;

/// <summary>
/// One change of a session (made by <see cref="Session"/>'s methods), persisted as one conditional UPDATE: the row is
/// changed only if it still matches the guard, computing its new values from what it holds at that moment, so racing
/// callers never lose an update. True when this caller changed the row.
/// </summary>
public sealed class SessionChange(Expression<Func<Session, bool>>? guard, Action<UpdateSettersBuilder<Session>> set)
{
    public async Task<bool> ApplyAsync(TimmyDbContext db, Guid sessionId, CancellationToken cancellationToken)
    {
        var row = db.Sessions.Where(s => s.Id == sessionId);
        return await (guard is null ? row : row.Where(guard)).ExecuteUpdateAsync(set, cancellationToken) == 1;
    }

    /// <summary>A move the state makes from <see cref="From"/> to <see cref="To"/> when <see cref="When"/> holds (or always).</summary>
    internal readonly record struct Move(SessionState From, SessionState To, Expression<Func<Session, bool>>? When = null);

    /// <summary>
    /// The state a row moves to, as SQL the UPDATE evaluates on the row itself: the first of <paramref name="moves"/> that
    /// applies, else the state it is in. Every move is checked against <see cref="Session"/>'s table first, so a change
    /// that would make an illegal move throws before anything is written.
    /// </summary>
    internal static (Expression<Func<Session, SessionState>> Next, Expression<Func<Session, bool>> Applies) StateRule(params Move[] moves)
    {
        var session = Expression.Parameter(typeof(Session), "s");
        var state = Expression.Property(session, nameof(Session.State));
        Expression next = state;
        Expression? applies = null;
        foreach (var move in moves.Reverse())
        {
            Session.EnsureLegal(move.From, move.To);
            Expression test = Expression.Equal(state, Expression.Constant(move.From));
            if (move.When is { } when)
            {
                test = Expression.AndAlso(test, ReplacingExpressionVisitor.Replace(when.Parameters[0], session, when.Body));
            }

            next = Expression.Condition(test, Expression.Constant(move.To), next);
            applies = applies is null ? test : Expression.OrElse(test, applies);
        }

        return (Expression.Lambda<Func<Session, SessionState>>(next, session), Expression.Lambda<Func<Session, bool>>(applies ?? Expression.Constant(false), session));
    }
}
