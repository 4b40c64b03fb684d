using System.Net;

namespace NeuralStyle.Web.Tests;

/// <summary>The web app as its own process, as an operator runs it: bad settings, and SIGTERM and a restart with a job running.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("neuralstyle-web-process-").FullName;

    [Theory]
    [InlineData("--NeuralStyle:MaxQueuedJobs=-1", "neural-style-web: NeuralStyle:MaxQueuedJobs must be at least 0; it was -1.")]
    [InlineData("--NeuralStyle:MaxSize=abc", "neural-style-web: NeuralStyle:MaxSize must be a whole number; it was 'abc'.")]
    [InlineData("--NeuralStyle:DataFolder=/proc/neuralstyle", "neural-style-web: NeuralStyle:DataFolder must be a folder this user can write in; '/proc/neuralstyle' is not")]
    [InlineData("--NeuralStyle:PostgreSqlConnection=db", "neural-style-web: NeuralStyle:PostgreSqlConnection must be an Npgsql connection string such as Host=db;Username=neuralstyle;Password=…;Database=neuralstyle, or not set.")]
    [InlineData("--NeuralStyle:PostgreSqlConnection=Host=127.0.0.1;Port=9;Username=nobody;Timeout=2", "neural-style-web: the job store cannot be reached (")]
    public async Task A_bad_setting_ends_the_process_with_one_line_naming_it_and_exit_code_1(string setting, string message)
    {
        using var server = Start(0, setting);
        var stderr = await server.Process.StandardError.ReadToEndAsync();
        await server.Process.WaitForExitAsync();

        Assert.Equal(1, server.Process.ExitCode);
        Assert.StartsWith(message, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [SkippableFact]
    public async Task Sigterm_puts_the_running_job_back_and_the_restarted_server_continues_it_from_its_checkpoint()
    {
        TestEnvironment.RequireWeights();
        using var server = Start(AppProcess.FreePort(), "--NeuralStyle:CheckpointInterval=5");
        var client = server.Client;
        await server.WaitUntilServingAsync();
        var settings = new Dictionary<string, string>(JobClient.Long) { ["iterations"] = "150" };
        var id = (await JobClient.StartAsync(client, settings)).GetProperty("id").GetString()!;
        var events = JobClient.ReadEventsAsync(client, id, TimeSpan.FromMinutes(2));
        await WaitUntilAsync(client, id, job => job.GetProperty("iteration").GetInt32() >= 12); // a checkpoint at 10 is stored by now

        await server.SignalAsync("TERM");

        // The stream ends without an end event (a page's EventSource connects again), and the process exits cleanly.
        Assert.All(await events, e => Assert.Equal("progress", e.Event));
        await server.Process.WaitForExitAsync();
        Assert.Equal(0, server.Process.ExitCode);

        // The same data folder, another process: the job goes on from its last stored checkpoint and succeeds.
        using var restarted = Start(AppProcess.FreePort());
        var again = restarted.Client;
        await restarted.WaitUntilServingAsync();
        var end = await JobClient.WaitForEndAsync(again, id);
        Assert.Equal("succeeded", end.GetProperty("state").GetString());
        Assert.Equal(2, end.GetProperty("attempts").GetInt32());
        var resumedAt = end.GetProperty("resumedAtIteration").GetInt32();
        Assert.True(resumedAt >= 10 && resumedAt % 5 == 0, $"resumed at {resumedAt}");
        using var result = await again.GetAsync($"/api/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);

    }

    [SkippableFact]
    public async Task Started_from_any_folder_it_serves_only_the_local_host_names()
    {
        TestEnvironment.RequireWeights();
        using var server = StartIn(_dataFolder, AppProcess.FreePort()); // no appsettings.json there
        var client = server.Client;
        await server.WaitUntilServingAsync();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/limits");
        rebound.Headers.Host = "evil.example";

        using var response = await client.SendAsync(rebound);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private AppProcess Start(int port, params string[] settings) => StartIn(null, port, settings);

    private AppProcess StartIn(string? workingDirectory, int port, params string[] settings) =>
        AppProcess.Start(port, [$"--NeuralStyle:DataFolder={_dataFolder}", .. settings], workingDirectory);

    private static async Task WaitUntilAsync(HttpClient client, string id, Func<System.Text.Json.JsonElement, bool> condition)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (condition(await JobClient.GetAsync(client, id)))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The job did not get there within two minutes.");
    }
}
