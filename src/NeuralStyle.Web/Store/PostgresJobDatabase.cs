using System.Data.Common;
using Npgsql;

namespace NeuralStyle.Web.Store;

/// <summary>
/// The store's database for many machines: PostgreSQL through Npgsql. Workers claim jobs with
/// <c>FOR UPDATE SKIP LOCKED</c>, submissions take a transaction-scoped advisory lock so that the
/// global limits are counted by one at a time, and every change is announced with <c>NOTIFY</c> on
/// the channel <see cref="Channel"/>, which each process <c>LISTEN</c>s to on a connection of its own
/// (reopened when it drops; waiters also look again every few seconds, in case a notification was lost).
/// </summary>
internal sealed partial class PostgresJobDatabase : JobDatabase
{
    /// <summary>The notification channel: payloads are job ids, or <see cref="JobSignals.Work"/>.</summary>
    public const string Channel = "neuralstyle_jobs";

    /// <summary>The advisory lock key that serialises submissions (and the schema's creation).</summary>
    private const long SubmitLock = 0x4e53_4a4f_4253; // "NSJOBS"

    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="logger">Receives the listener's warnings.</param>
    /// <param name="pollInterval">How often waiters look again in case a notification was lost; default 5 seconds.</param>
    public PostgresJobDatabase(string connectionString, ILogger logger, TimeSpan? pollInterval = null)
    {
        _source = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
        PollInterval = pollInterval ?? TimeSpan.FromSeconds(5);
    }

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"SELECT pg_advisory_lock({SubmitLock})",
        """
        CREATE TABLE IF NOT EXISTS jobs (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            client_id text NOT NULL,
            state text NOT NULL,
            settings text NOT NULL,
            created_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            last_watched bigint NOT NULL,
            version bigint NOT NULL,
            progress text,
            error text,
            cancel_requested integer NOT NULL,
            worker text,
            lease_until bigint,
            attempts integer NOT NULL,
            checkpoint_iteration integer,
            resumed_at integer,
            preview_iteration integer,
            has_result integer NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq)",
        "CREATE INDEX IF NOT EXISTS jobs_by_client ON jobs (client_id, state)",
        "CREATE TABLE IF NOT EXISTS job_files (job_id text NOT NULL, kind text NOT NULL, data bytea NOT NULL, PRIMARY KEY (job_id, kind))",
        "CREATE TABLE IF NOT EXISTS job_losses (job_id text NOT NULL, iteration integer NOT NULL, total double precision NOT NULL, PRIMARY KEY (job_id, iteration))",
        "CREATE TABLE IF NOT EXISTS job_submissions (client_id text NOT NULL, at bigint NOT NULL)",
        "CREATE INDEX IF NOT EXISTS job_submissions_by_client ON job_submissions (client_id, at)",
        $"SELECT pg_advisory_unlock({SubmitLock})",
    ];

    public override string ClaimLocking => " FOR UPDATE SKIP LOCKED";

    public override TimeSpan PollInterval { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginAsync(DbConnection connection, bool exclusive, CancellationToken cancellationToken)
    {
        var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (exclusive)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SubmitLock})", (NpgsqlConnection)connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return transaction;
    }

    public override async Task NotifyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', @key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listening = Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _listening.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Listens on its own connection until stopped; a dropped connection is reopened after a second.</summary>
    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) => Signals.Pulse(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                Signals.PulseAll(); // changes made while no one listened are looked at again
                while (true)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is NpgsqlException or IOException or TimeoutException)
            {
                LogListenFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for job changes on PostgreSQL failed; trying again in a second")]
    private partial void LogListenFailed(Exception exception);
}
