using System.Net;
using System.Text.Json;
using Npgsql;
using NeuralStyle.Web.Tests.Store;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// Two front ends and two workers, each its own process, on one real PostgreSQL: jobs submitted to
/// both front ends, one worker killed with SIGKILL in the middle of a job, and everything restarted.
/// </summary>
public sealed class ClusterTests : IDisposable
{
    private const int CheckpointInterval = 5;
    private readonly List<string> _folders = [];

    [SkippableFact]
    public async Task A_worker_killed_mid_job_loses_no_job_the_other_continues_from_its_checkpoint_and_a_restart_keeps_every_result()
    {
        TestEnvironment.RequireWeights();
        await using var stores = await TestStores.CreateAsync("postgresql");
        var frontEnds = new[] { StartRole(stores, "FrontEnd"), StartRole(stores, "FrontEnd") };
        var workers = new[] { StartRole(stores, "Worker"), StartRole(stores, "Worker") };
        try
        {
            await Task.WhenAll(frontEnds.Concat(workers).Select(p => p.WaitUntilServingAsync()));

            // Four jobs, round-robin over the front ends; each follows its job's stream on the other front end.
            var settings = new Dictionary<string, string>(JobClient.Long) { ["iterations"] = "120" };
            var ids = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                ids.Add((await JobClient.StartAsync(frontEnds[i % 2].Client, settings)).GetProperty("id").GetString()!);
            }

            var streams = ids.Select((id, i) => JobClient.ReadEventsAsync(frontEnds[(i + 1) % 2].Client, id, TimeSpan.FromMinutes(4))).ToArray();

            // A job that has stored a checkpoint at iteration 10 or later, and the worker that runs it (read from the database).
            var (victimJob, victimWorker, checkpointAtKill) = await RunningJobWithCheckpointAsync(stores, ids);
            var killed = workers.Single(w => victimWorker.Contains($"-{w.Process.Id}-", StringComparison.Ordinal));
            await killed.SignalAsync("KILL");
            await killed.Process.WaitForExitAsync();

            // Every job succeeds; the victim's stream went on across the loss and its new run began at a stored checkpoint.
            var ends = await Task.WhenAll(streams);
            Assert.All(ends, events => Assert.Equal(("end", "succeeded"), (events[^1].Event, events[^1].Data.GetProperty("state").GetString())));
            var victim = ends[ids.IndexOf(victimJob)][^1].Data;
            Assert.Equal(2, victim.GetProperty("attempts").GetInt32());
            var resumedAt = victim.GetProperty("resumedAtIteration").GetInt32();
            Assert.True(resumedAt >= checkpointAtKill && resumedAt % CheckpointInterval == 0, $"resumed at {resumedAt}, checkpoint {checkpointAtKill} stored before the kill");
            Assert.Equal(120, victim.GetProperty("iteration").GetInt32());
            Assert.All(ids.Where(id => id != victimJob), id => Assert.Equal(1, ends[ids.IndexOf(id)][^1].Data.GetProperty("attempts").GetInt32()));

            // Each result is the same bytes from either front end.
            var results = new Dictionary<string, byte[]>();
            foreach (var id in ids)
            {
                results[id] = await DownloadAsync(frontEnds[0].Client, id);
                Assert.Equal(results[id], await DownloadAsync(frontEnds[1].Client, id));
            }

            // Everything stops and comes back: every result is still there.
            foreach (var process in frontEnds.Concat(workers).Where(p => !p.Process.HasExited))
            {
                await process.SignalAsync("TERM");
                await process.Process.WaitForExitAsync();
            }

            using var frontEnd = StartRole(stores, "FrontEnd");
            await frontEnd.WaitUntilServingAsync();
            foreach (var id in ids)
            {
                Assert.Equal(results[id], await DownloadAsync(frontEnd.Client, id));
            }
        }
        finally
        {
            foreach (var process in frontEnds.Concat(workers))
            {
                process.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One process of the deployment, with a data folder of its own: they share only the database.</summary>
    private AppProcess StartRole(TestStores stores, string role)
    {
        var folder = Directory.CreateTempSubdirectory("neuralstyle-cluster-").FullName;
        _folders.Add(folder);
        return AppProcess.Start(AppProcess.FreePort(), [
            $"--NeuralStyle:Role={role}",
            $"--NeuralStyle:PostgreSqlConnection={stores.PostgresConnection}",
            $"--NeuralStyle:DataFolder={folder}",
            "--NeuralStyle:LeaseDuration=00:00:04",
            $"--NeuralStyle:CheckpointInterval={CheckpointInterval}",
            "--NeuralStyle:MaxJobsPerClient=10",
            "--NeuralStyle:SubmitsPerMinute=1000",
        ]);
    }

    /// <summary>Waits for a running job whose stored checkpoint is at iteration 10 or later; its id, its worker and that iteration.</summary>
    private static async Task<(string Job, string Worker, int Checkpoint)> RunningJobWithCheckpointAsync(TestStores stores, IReadOnlyList<string> ids)
    {
        await using var connection = new NpgsqlConnection(stores.PostgresConnection);
        await connection.OpenAsync();
        for (var i = 0; i < 1200; i++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT id, worker, checkpoint_iteration FROM jobs WHERE state = 'running' AND checkpoint_iteration >= 10 AND id = ANY(@ids) " +
                "AND EXISTS (SELECT 1 FROM job_files f WHERE f.job_id = jobs.id AND f.kind = 'checkpoint') LIMIT 1",
                connection);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                return (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
            }

            await Task.Delay(50);
        }

        Assert.Fail("No job stored a checkpoint within a minute.");
        return default;
    }

    private static async Task<byte[]> DownloadAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
