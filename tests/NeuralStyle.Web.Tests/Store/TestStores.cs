using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NeuralStyle.Web.Store;

namespace NeuralStyle.Web.Tests.Store;

/// <summary>
/// Fresh, empty job stores for the store tests, of either kind: a SQLite file in a temporary folder, or
/// a database of its own on the PostgreSQL server that <c>NEURALSTYLE_TEST_POSTGRES</c> names (.ci/run
/// starts one from Debian's packages and sets it; a PostgreSQL test is skipped, saying so, without it).
/// </summary>
internal sealed class TestStores : IAsyncDisposable
{
    public const string PostgresVariable = "NEURALSTYLE_TEST_POSTGRES";

    private readonly List<IJobStore> _stores = [];
    private readonly string? _sqliteFolder;
    private readonly string? _postgresDatabase;

    private TestStores(string kind, string? sqliteFolder, string? postgresDatabase)
    {
        Kind = kind;
        _sqliteFolder = sqliteFolder;
        _postgresDatabase = postgresDatabase;
    }

    /// <summary>The store kinds every store test runs against.</summary>
    public static TheoryData<string> Kinds => new() { "sqlite", "postgresql" };

    public string Kind { get; }

    /// <summary>The server's connection string; skips the calling test when it is not set.</summary>
    public static string RequirePostgres()
    {
        var connection = Environment.GetEnvironmentVariable(PostgresVariable);
        Skip.If(string.IsNullOrEmpty(connection), $"{PostgresVariable} is not set to a PostgreSQL server (.ci/run starts one and sets it).");
        return connection!;
    }

    /// <summary>A new empty database of <paramref name="kind"/>.</summary>
    public static async Task<TestStores> CreateAsync(string kind)
    {
        if (kind == "sqlite")
        {
            return new TestStores(kind, Directory.CreateTempSubdirectory("neuralstyle-store-").FullName, null);
        }

        var name = "neuralstyle_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(RequirePostgres()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new TestStores(kind, null, name);
    }

    /// <summary>The connection string of this PostgreSQL database (for an app's PostgreSqlConnection setting).</summary>
    public string PostgresConnection => new NpgsqlConnectionStringBuilder(RequirePostgres()) { Database = _postgresDatabase }.ToString();

    /// <summary>
    /// A store on the database, initialised: each call is another process's view of the same jobs.
    /// Waiters look again every <paramref name="pollInterval"/> (default: the stores' own).
    /// </summary>
    public async Task<IJobStore> OpenAsync(TimeSpan? pollInterval = null)
    {
        JobDatabase database = _sqliteFolder is not null
            ? new SqliteJobDatabase(Path.Combine(_sqliteFolder, "jobs.db"), pollInterval)
            : new PostgresJobDatabase(PostgresConnection, NullLogger.Instance, pollInterval);
        var store = new SqlJobStore(database);
        await store.InitializeAsync(CancellationToken.None);
        _stores.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_sqliteFolder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_sqliteFolder, recursive: true);
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(RequirePostgres());
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
