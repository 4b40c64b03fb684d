using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace NeuralStyle.Web.Store;

/// <summary>
/// The default store's database: one SQLite file in the app's data folder (<c>jobs.db</c>), so that one
/// machine needs no server. Several processes on that machine may share the file (write-ahead log;
/// each writing transaction begins IMMEDIATE, so writers take turns); they learn of each other's
/// changes by looking again every second.
/// </summary>
/// <param name="path">The database file; created when missing.</param>
/// <param name="pollInterval">How often waiters look again for other processes' changes; default 1 second.</param>
internal sealed class SqliteJobDatabase(string path, TimeSpan? pollInterval = null) : JobDatabase
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override IReadOnlyList<string> Schema { get; } =
    [
        "PRAGMA journal_mode = WAL",
        """
        CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            client_id TEXT NOT NULL,
            state TEXT NOT NULL,
            settings TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            last_watched INTEGER NOT NULL,
            version INTEGER NOT NULL,
            progress TEXT,
            error TEXT,
            cancel_requested INTEGER NOT NULL,
            worker TEXT,
            lease_until INTEGER,
            attempts INTEGER NOT NULL,
            checkpoint_iteration INTEGER,
            resumed_at INTEGER,
            preview_iteration INTEGER,
            has_result INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq)",
        "CREATE INDEX IF NOT EXISTS jobs_by_client ON jobs (client_id, state)",
        "CREATE TABLE IF NOT EXISTS job_files (job_id TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, kind))",
        "CREATE TABLE IF NOT EXISTS job_losses (job_id TEXT NOT NULL, iteration INTEGER NOT NULL, total REAL NOT NULL, PRIMARY KEY (job_id, iteration))",
        "CREATE TABLE IF NOT EXISTS job_submissions (client_id TEXT NOT NULL, at INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS job_submissions_by_client ON job_submissions (client_id, at)",
    ];

    /// <summary>SQLite has no row locks: each writing transaction holds the whole database.</summary>
    public override string ClaimLocking => string.Empty;

    public override TimeSpan PollInterval { get; } = pollInterval ?? TimeSpan.FromSeconds(1);

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>BEGIN IMMEDIATE: the write lock is taken at the start, so every writing transaction is exclusive.</summary>
    public override Task<DbTransaction> BeginAsync(DbConnection connection, bool exclusive, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    /// <summary>Nothing to send: this process pulses its own waiters, and others look again within <see cref="PollInterval"/>.</summary>
    public override Task NotifyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
