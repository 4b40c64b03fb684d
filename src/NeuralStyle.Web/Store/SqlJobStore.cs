using System.Data;
using System.Data.Common;
using System.Text.Json;
using NeuralStyle.Web.Jobs;

namespace NeuralStyle.Web.Store;

/// <summary>
/// The job store on a SQL database (<see cref="JobDatabase"/>: SQLite or PostgreSQL). Three tables:
/// <c>jobs</c> (one row per job: its state, settings, progress summary, lease), <c>job_files</c>
/// (its images: inputs, checkpoint, preview, result; deleted with the job) and <c>job_losses</c>
/// (its total loss by iteration); and <c>job_submissions</c> (each client's submissions of the last
/// minute, for the rate limit). Every change a client can see bumps the job's <c>version</c> and
/// is notified under the job's id; a job that may be waiting for a worker is notified as
/// <see cref="JobSignals.Work"/>. Times are stored as Unix milliseconds.
/// </summary>
internal sealed class SqlJobStore(JobDatabase database) : IJobStore
{
    private const string Queued = "queued";
    private const string Running = "running";
    private const string Finished = "('succeeded', 'failed', 'canceled')";
    private const string Checkpoint = "checkpoint";
    private const string Preview = "preview";
    private const string Result = "result";
    private const string Content = "content";

    private const string JobColumns =
        "j.id, j.client_id, j.state, j.progress, j.error, j.preview_iteration, j.has_result, j.attempts, j.resumed_at, j.created_at, j.finished_at, j.version, " +
        "CASE WHEN j.state = 'queued' THEN (SELECT count(*) FROM jobs q WHERE q.state = 'queued' AND q.seq <= j.seq) END, " +
        "CASE WHEN EXISTS (SELECT 1 FROM job_files f WHERE f.job_id = j.id AND f.kind = 'checkpoint') THEN j.checkpoint_iteration END";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in database.Schema)
        {
            await Execute(connection, null, statement).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        await database.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SubmitOutcome> SubmitAsync(JobSubmission submission, SubmitLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: true, cancellationToken).ConfigureAwait(false);
        var unfinished = await CountAsync(connection, transaction, "SELECT count(*) FROM jobs WHERE client_id = @client AND state IN ('queued', 'running')", cancellationToken, ("client", submission.ClientId)).ConfigureAwait(false);
        if (unfinished >= limits.MaxJobsPerClient)
        {
            return new SubmitOutcome(null, UnfinishedForClient: unfinished);
        }

        var queued = await CountAsync(connection, transaction, "SELECT count(*) FROM jobs WHERE state = 'queued'", cancellationToken).ConfigureAwait(false);
        if (queued >= limits.MaxQueuedJobs)
        {
            return new SubmitOutcome(null, Queued: queued);
        }

        var at = Millis(now);
        var minuteAgo = Millis(now - TimeSpan.FromMinutes(1));
        await Execute(connection, transaction, "DELETE FROM job_submissions WHERE at <= @minuteAgo", ("minuteAgo", minuteAgo)).RunAsync(cancellationToken).ConfigureAwait(false);
        var recent = await CountAsync(connection, transaction, "SELECT count(*) FROM job_submissions WHERE client_id = @client", cancellationToken, ("client", submission.ClientId)).ConfigureAwait(false);
        if (recent >= limits.MaxSubmitsPerMinute)
        {
            var oldest = Time((await Execute(connection, transaction, "SELECT min(at) FROM job_submissions WHERE client_id = @client", ("client", submission.ClientId)).ScalarAsync(cancellationToken).ConfigureAwait(false))!);
            return new SubmitOutcome(null, RetryAfter: oldest + TimeSpan.FromMinutes(1) - now);
        }

        await Execute(connection, transaction, "INSERT INTO job_submissions (client_id, at) VALUES (@client, @now)", ("client", submission.ClientId), ("now", at))
            .RunAsync(cancellationToken).ConfigureAwait(false);
        await Execute(
            connection,
            transaction,
            "INSERT INTO jobs (id, client_id, state, settings, created_at, last_watched, version, attempts, cancel_requested, has_result) " +
            "VALUES (@id, @client, 'queued', @settings, @now, @now, 1, 0, 0, 0)",
            ("id", submission.Id),
            ("client", submission.ClientId),
            ("settings", JsonSerializer.Serialize(submission.Settings)),
            ("now", at)).RunAsync(cancellationToken).ConfigureAwait(false);
        await PutFileAsync(connection, transaction, submission.Id, Content, submission.Content, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < submission.Styles.Count; i++)
        {
            await PutFileAsync(connection, transaction, submission.Id, StyleKind(i), submission.Styles[i], cancellationToken).ConfigureAwait(false);
        }

        await CommitAsync(connection, transaction, [submission.Id, JobSignals.Work], cancellationToken).ConfigureAwait(false);
        return new SubmitOutcome(await FindAsync(submission.Id, cancellationToken).ConfigureAwait(false));
    }

    public async Task<StoredJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Execute(connection, null, $"SELECT {JobColumns} FROM jobs j WHERE j.id = @id", ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadJob(reader) : null;
    }

    public async Task<IReadOnlyList<LossPoint>> LossesAsync(string id, int afterIteration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Execute(
            connection,
            null,
            "SELECT iteration, total FROM job_losses WHERE job_id = @id AND iteration > @after ORDER BY iteration",
            ("id", id),
            ("after", afterIteration));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var losses = new List<LossPoint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            losses.Add(new LossPoint(Convert.ToInt32(reader.GetValue(0)), reader.GetDouble(1)));
        }

        return losses;
    }

    public Task<byte[]?> PreviewAsync(string id, CancellationToken cancellationToken) => FileAsync(id, Preview, cancellationToken);

    public Task<byte[]?> ResultAsync(string id, CancellationToken cancellationToken) => FileAsync(id, Result, cancellationToken);

    public async Task TouchAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Execute(connection, null, "UPDATE jobs SET last_watched = @now WHERE id = @id AND last_watched < @now", ("id", id), ("now", Millis(now)))
            .RunAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredJob?> CancelAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
            var ended = await Execute(
                connection,
                transaction,
                "UPDATE jobs SET state = 'canceled', error = @reason, finished_at = @now, version = version + 1 WHERE id = @id AND state = 'queued'",
                ("id", id),
                ("reason", reason),
                ("now", Millis(now))).RunAsync(cancellationToken).ConfigureAwait(false);
            if (ended > 0)
            {
                await DeleteFilesAsync(connection, transaction, id, [Content, Checkpoint], styles: true, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Execute(
                    connection,
                    transaction,
                    "UPDATE jobs SET cancel_requested = 1, error = @reason, version = version + 1 WHERE id = @id AND state = 'running' AND cancel_requested = 0",
                    ("id", id),
                    ("reason", reason)).RunAsync(cancellationToken).ConfigureAwait(false);
            }

            await CommitAsync(connection, transaction, [id], cancellationToken).ConfigureAwait(false);
        }

        return await FindAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var deleted = await DeleteFinishedAsync(connection, transaction, "id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        await CommitAsync(connection, transaction, deleted, cancellationToken).ConfigureAwait(false);
        return deleted.Count > 0;
    }

    public async Task<JobClaim?> ClaimAsync(string worker, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var at = Millis(now);

        // The oldest job that waits, or runs on a worker whose lease has run out (not this worker's own:
        // it knows its runs are alive). Its latest checkpoint is where the run goes on from.
        string? id = null;
        int? checkpointIteration = null;
        string? settings = null;
        await using (var command = Execute(
            connection,
            transaction,
            "UPDATE jobs SET state = 'running', worker = @worker, lease_until = @until, attempts = attempts + 1, version = version + 1, " +
            "started_at = COALESCE(started_at, @now), resumed_at = checkpoint_iteration " +
            "WHERE seq = (SELECT seq FROM jobs WHERE cancel_requested = 0 AND (state = 'queued' OR (state = 'running' AND lease_until < @now AND worker <> @worker)) " +
            $"ORDER BY seq LIMIT 1{database.ClaimLocking}) " +
            "RETURNING id, checkpoint_iteration, settings",
            ("worker", worker),
            ("until", Millis(now + lease)),
            ("now", at)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                id = reader.GetString(0);
                checkpointIteration = reader.IsDBNull(1) ? null : Convert.ToInt32(reader.GetValue(1));
                settings = reader.GetString(2);
            }
        }

        if (id is null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        var files = await FilesAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await CommitAsync(connection, transaction, [id], cancellationToken).ConfigureAwait(false);
        var styles = files.Where(f => f.Key.StartsWith("style", StringComparison.Ordinal)).OrderBy(f => int.Parse(f.Key.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture)).Select(f => f.Value).ToArray();
        var checkpoint = files.GetValueOrDefault(Checkpoint);
        return new JobClaim(
            id,
            JsonSerializer.Deserialize<Dictionary<string, string>>(settings!)!,
            files[Content],
            styles,
            checkpoint,
            checkpoint is null ? null : checkpointIteration);
    }

    public async Task<LeaseStatus> ReportAsync(string id, string worker, JobReport report, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var sets = new List<string> { "lease_until = @until" };
        var parameters = new List<(string, object?)> { ("id", id), ("worker", worker), ("until", Millis(now + lease)) };
        if (report.Progress is { } progress)
        {
            sets.Add("progress = @progress");
            parameters.Add(("progress", JsonSerializer.Serialize(progress)));
        }

        if (report.Preview is { } preview)
        {
            sets.Add("preview_iteration = @preview");
            parameters.Add(("preview", preview.Iteration));
        }

        if (report.Checkpoint is { } checkpoint)
        {
            sets.Add("checkpoint_iteration = @checkpoint");
            parameters.Add(("checkpoint", checkpoint.Iteration));
        }

        if (report.IsVisible)
        {
            sets.Add("version = version + 1");
        }

        var cancelRequested = await Execute(
            connection,
            transaction,
            $"UPDATE jobs SET {string.Join(", ", sets)} WHERE id = @id AND worker = @worker AND state = 'running' RETURNING cancel_requested",
            [.. parameters]).ScalarAsync(cancellationToken).ConfigureAwait(false);

        if (cancelRequested is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return LeaseStatus.Lost;
        }

        foreach (var loss in report.Losses)
        {
            await Execute(
                connection,
                transaction,
                "INSERT INTO job_losses (job_id, iteration, total) VALUES (@id, @iteration, @total) ON CONFLICT (job_id, iteration) DO UPDATE SET total = excluded.total",
                ("id", id),
                ("iteration", loss.Iteration),
                ("total", loss.Total)).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        if (report.Preview is { } jpeg)
        {
            await PutFileAsync(connection, transaction, id, Preview, jpeg.Jpeg, cancellationToken).ConfigureAwait(false);
        }

        if (report.Checkpoint is { } state)
        {
            await PutFileAsync(connection, transaction, id, Checkpoint, state.Bytes, cancellationToken).ConfigureAwait(false);
        }

        await CommitAsync(connection, transaction, report.IsVisible ? [id] : [], cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(cancelRequested) != 0 ? LeaseStatus.CancelRequested : LeaseStatus.Held;
    }

    public async Task<bool> FinishAsync(string id, string worker, JobOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var succeeded = outcome.State == JobState.Succeeded;
        var sets = "state = @state, error = COALESCE(error, @error), finished_at = @now, worker = NULL, lease_until = NULL, has_result = @hasResult, version = version + 1";
        var parameters = new List<(string, object?)>
        {
            ("id", id), ("worker", worker), ("state", StateName(outcome.State)), ("error", succeeded ? null : outcome.Error ?? "Cancelled."),
            ("now", Millis(now)), ("hasResult", succeeded && outcome.Result is not null ? 1 : 0),
        };
        if (succeeded)
        {
            sets = sets.Replace("COALESCE(error, @error)", "NULL", StringComparison.Ordinal);
            parameters.RemoveAll(p => p.Item1 == "error");
        }

        if (outcome.Progress is { } progress)
        {
            sets += ", progress = @progress";
            parameters.Add(("progress", JsonSerializer.Serialize(progress)));
        }

        if (outcome.Preview is { } preview)
        {
            sets += ", preview_iteration = @preview";
            parameters.Add(("preview", preview.Iteration));
        }
        else if (!succeeded)
        {
            sets += ", preview_iteration = NULL";
        }

        var updated = await Execute(connection, transaction, $"UPDATE jobs SET {sets} WHERE id = @id AND worker = @worker AND state = 'running'", [.. parameters])
            .RunAsync(cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await DeleteFilesAsync(connection, transaction, id, succeeded ? [Content, Checkpoint] : [Content, Checkpoint, Preview], styles: true, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is { } result)
        {
            await PutFileAsync(connection, transaction, id, Result, result, cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Preview is { } jpeg)
        {
            await PutFileAsync(connection, transaction, id, Preview, jpeg.Jpeg, cancellationToken).ConfigureAwait(false);
        }

        await CommitAsync(connection, transaction, [id], cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task ReleaseAsync(string id, string worker, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var where = "WHERE id = @id AND worker = @worker AND state = 'running'";
        await Execute(connection, transaction, $"UPDATE jobs SET state = 'canceled', finished_at = @now, worker = NULL, lease_until = NULL, preview_iteration = NULL, version = version + 1 {where} AND cancel_requested = 1", ("id", id), ("worker", worker), ("now", Millis(now)))
            .RunAsync(cancellationToken).ConfigureAwait(false);
        await Execute(connection, transaction, $"UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, version = version + 1 {where}", ("id", id), ("worker", worker))
            .RunAsync(cancellationToken).ConfigureAwait(false);
        await CommitAsync(connection, transaction, [id, JobSignals.Work], cancellationToken).ConfigureAwait(false);
    }

    public async Task<(int Abandoned, int Deleted)> SweepAsync(DateTimeOffset now, TimeSpan abandonAfter, TimeSpan resultLifetime, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await database.BeginAsync(connection, exclusive: false, cancellationToken).ConfigureAwait(false);
        var at = Millis(now);
        var reason = $"Cancelled: no one watched the job for {abandonAfter.TotalSeconds:0} s (the page was closed).";

        // Unwatched: a waiting job ends now; a running one is marked, and its worker stops it.
        var cutoff = ("cutoff", (object?)Millis(now - abandonAfter));
        var ended = await IdsAsync(connection, transaction, "UPDATE jobs SET state = 'canceled', error = @reason, finished_at = @now, version = version + 1 WHERE state = 'queued' AND last_watched < @cutoff RETURNING id", cancellationToken, ("reason", reason), ("now", at), cutoff).ConfigureAwait(false);
        var marked = await IdsAsync(connection, transaction, "UPDATE jobs SET cancel_requested = 1, error = @reason, version = version + 1 WHERE state = 'running' AND cancel_requested = 0 AND last_watched < @cutoff RETURNING id", cancellationToken, ("reason", reason), cutoff).ConfigureAwait(false);
        var abandonedCount = ended.Count + marked.Count;

        // Cancelled while its worker was lost: no one else will end it.
        ended.AddRange(await IdsAsync(connection, transaction, "UPDATE jobs SET state = 'canceled', finished_at = @now, worker = NULL, lease_until = NULL, preview_iteration = NULL, version = version + 1 WHERE state = 'running' AND cancel_requested = 1 AND lease_until < @now RETURNING id", cancellationToken, ("now", at)).ConfigureAwait(false));
        await DeleteFilesAsync(connection, transaction, ended, [Content, Checkpoint, Preview], styles: true, cancellationToken).ConfigureAwait(false);

        var deleted = await DeleteFinishedAsync(connection, transaction, "finished_at <= @expired", cancellationToken, ("expired", Millis(now - resultLifetime))).ConfigureAwait(false);
        await CommitAsync(connection, transaction, [.. ended, .. marked, .. deleted], cancellationToken).ConfigureAwait(false);
        return (abandonedCount, deleted.Count);
    }

    public Task WaitForChangeAsync(string id, CancellationToken cancellationToken) =>
        database.Signals.WaitAsync(id, database.PollInterval, cancellationToken);

    public Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken) =>
        database.Signals.WaitAsync(JobSignals.Work, atMost < database.PollInterval ? atMost : database.PollInterval, cancellationToken);

    public ValueTask DisposeAsync() => database.DisposeAsync();

    /// <summary>The state's name as stored (and as the API spells it).</summary>
    public static string StateName(JobState state) => state.ToString().ToLowerInvariant();

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(object value) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value));

    private static string StyleKind(int index) => "style" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static StoredJob ReadJob(DbDataReader reader)
    {
        int? NullableInt(int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i));
        return new StoredJob(
            reader.GetString(0),
            reader.GetString(1),
            Enum.Parse<JobState>(reader.GetString(2), ignoreCase: true),
            reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<JobProgress>(reader.GetString(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            NullableInt(5),
            Convert.ToInt32(reader.GetValue(6)) != 0,
            NullableInt(12),
            Convert.ToInt32(reader.GetValue(7)),
            NullableInt(13),
            NullableInt(8),
            Time(reader.GetValue(9)),
            reader.IsDBNull(10) ? null : Time(reader.GetValue(10)),
            Convert.ToInt64(reader.GetValue(11)));
    }

    private async Task<byte[]?> FileAsync(string id, string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Execute(connection, null, "SELECT data FROM job_files WHERE job_id = @id AND kind = @kind", ("id", id), ("kind", kind))
            .ScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private static async Task<Dictionary<string, byte[]>> FilesAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var command = Execute(connection, transaction, "SELECT kind, data FROM job_files WHERE job_id = @id AND kind <> 'preview' AND kind <> 'result'", ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            files.Add(reader.GetString(0), (byte[])reader.GetValue(1));
        }

        return files;
    }

    private static Task PutFileAsync(DbConnection connection, DbTransaction transaction, string id, string kind, byte[] data, CancellationToken cancellationToken) =>
        Execute(
            connection,
            transaction,
            "INSERT INTO job_files (job_id, kind, data) VALUES (@id, @kind, @data) ON CONFLICT (job_id, kind) DO UPDATE SET data = excluded.data",
            ("id", id),
            ("kind", kind),
            ("data", data)).RunAsync(cancellationToken);

    private static Task DeleteFilesAsync(DbConnection connection, DbTransaction transaction, string id, string[] kinds, bool styles, CancellationToken cancellationToken) =>
        DeleteFilesAsync(connection, transaction, [id], kinds, styles, cancellationToken);

    private static Task DeleteFilesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, string[] kinds, bool styles, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", kinds.Select(k => $"'{k}'"));
        var styleClause = styles ? " OR kind LIKE 'style%'" : string.Empty;
        return ForIdsAsync(connection, transaction, ids, $"DELETE FROM job_files WHERE job_id IN ({{ids}}) AND (kind IN ({list}){styleClause})", cancellationToken);
    }

    /// <summary>Deletes the finished jobs that <paramref name="condition"/> picks, with their files and losses; their ids.</summary>
    private static async Task<List<string>> DeleteFinishedAsync(DbConnection connection, DbTransaction transaction, string condition, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var ids = await IdsAsync(connection, transaction, $"DELETE FROM jobs WHERE state IN {Finished} AND {condition} RETURNING id", cancellationToken, parameters).ConfigureAwait(false);
        await ForIdsAsync(connection, transaction, ids, "DELETE FROM job_files WHERE job_id IN ({ids})", cancellationToken).ConfigureAwait(false);
        await ForIdsAsync(connection, transaction, ids, "DELETE FROM job_losses WHERE job_id IN ({ids})", cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Runs <paramref name="sql"/>, in which <c>{ids}</c> stands for a list of job ids, once per 500 ids (both databases cap a statement's parameters).</summary>
    private static async Task ForIdsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, string sql, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(500))
        {
            var parameters = chunk.Select((id, i) => ("id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (object?)id)).ToArray();
            var statement = sql.Replace("{ids}", string.Join(", ", parameters.Select(p => "@" + p.Item1)), StringComparison.Ordinal);
            await Execute(connection, transaction, statement, parameters).RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<List<string>> IdsAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var ids = new List<string>();
        await using var command = Execute(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<int> CountAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        Convert.ToInt32(await Execute(connection, transaction, sql, parameters).ScalarAsync(cancellationToken).ConfigureAwait(false));

    private async Task CommitAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> changed, CancellationToken cancellationToken)
    {
        if (changed.Count > 0)
        {
            await database.NotifyAsync(connection, transaction, changed, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in changed)
        {
            database.Signals.Pulse(key);
        }
    }

    private static DbCommand Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            if (value is null)
            {
                parameter.DbType = DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }
}

/// <summary>Runs a command and disposes it.</summary>
file static class CommandRuns
{
    public static async Task<int> RunAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<object?> ScalarAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is DBNull ? null : value;
        }
    }
}
