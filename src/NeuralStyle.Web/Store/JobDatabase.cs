using System.Data.Common;

namespace NeuralStyle.Web.Store;

/// <summary>
/// What differs between the databases <see cref="SqlJobStore"/> runs on: connections, the schema's
/// column types, how a transaction excludes others, how a claim skips rows others hold, and how other
/// processes learn of changes.
/// </summary>
internal abstract class JobDatabase : IAsyncDisposable
{
    /// <summary>Wakes this process's waiters; pulsed after every write, and on notifications from other processes.</summary>
    public JobSignals Signals { get; } = new();

    /// <summary>The statements that create the tables when they are missing, in order.</summary>
    public abstract IReadOnlyList<string> Schema { get; }

    /// <summary>Appended to the claim's row query so that two workers skip each other's rows instead of waiting ("FOR UPDATE SKIP LOCKED").</summary>
    public abstract string ClaimLocking { get; }

    /// <summary>How often a waiter looks again without a signal: the bound on how late it learns of another process's change.</summary>
    public abstract TimeSpan PollInterval { get; }

    /// <summary>Opens a connection.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction that writes. With <paramref name="exclusive"/>, no other such transaction
    /// runs until it ends, on any process (a submission counts jobs and adds one).
    /// </summary>
    public abstract Task<DbTransaction> BeginAsync(DbConnection connection, bool exclusive, CancellationToken cancellationToken);

    /// <summary>Tells other processes, when the transaction commits, that these keys (job ids, <see cref="JobSignals.Work"/>) changed.</summary>
    public abstract Task NotifyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Starts listening to other processes' notifications, when the database carries them.</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
