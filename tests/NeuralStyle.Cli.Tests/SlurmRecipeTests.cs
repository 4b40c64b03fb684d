using System.Diagnostics;
using System.Text.Json;

namespace NeuralStyle.Cli.Tests;

/// <summary>
/// The Slurm job array of docs/scaling.md (deploy/slurm/stylise-photos.sbatch), submitted with sbatch to
/// a real one-node Slurm (.ci/slurm.sh starts one from Debian's packages and sets
/// <c>NEURALSTYLE_TEST_SLURM_CONF</c>; without it the test is skipped, saying so).
/// </summary>
public sealed class SlurmRecipeTests : IDisposable
{
    private const string SlurmVariable = "NEURALSTYLE_TEST_SLURM_CONF";
    private readonly string _shared = Directory.CreateTempSubdirectory("neuralstyle-slurm-").FullName;

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_docs_job_array_stylises_every_photo_exactly_once_over_its_tasks()
    {
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        Skip.If(string.IsNullOrEmpty(images) || string.IsNullOrEmpty(weights), "NEURALSTYLE_TEST_IMAGES and NEURALSTYLE_VGG19_WEIGHTS must be set (.ci/run sets them).");
        var slurmConf = Environment.GetEnvironmentVariable(SlurmVariable);
        Skip.If(string.IsNullOrEmpty(slurmConf) || !OperatingSystem.IsLinux(), $"{SlurmVariable} is not set to a running Slurm's slurm.conf (.ci/run starts one on Linux and sets it).");

        // The layout the script expects under $SHARED: photos, the style, the tool, the weights' path.
        var photos = Directory.CreateDirectory(Path.Combine(_shared, "photos")).FullName;
        string[] names = ["tubingen.jpg", "chicago.jpg", "stata.jpg", "wave.jpg", "udnie.jpg"];
        foreach (var name in names)
        {
            File.Copy(Path.Combine(images!, name), Path.Combine(photos, name));
        }

        Directory.CreateDirectory(Path.Combine(_shared, "styles"));
        File.Copy(Path.Combine(images!, "starry_night.jpg"), Path.Combine(_shared, "styles", "starry_night.jpg"));
        var tools = Directory.CreateDirectory(Path.Combine(_shared, "tools")).FullName;
        var tool = Path.Combine(tools, "neural-style");
        await File.WriteAllTextAsync(tool, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "neural-style.dll")}' \"$@\"\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(_shared, "logs"));

        // Three tasks instead of the script's eight, small pictures; everything else as the docs give it.
        var (exitCode, output) = await RunAsync(
            "sbatch",
            ["--wait", "--array=0-2", $"--output={_shared}/logs/stylise-%a.log", $"--export=ALL,SHARED={_shared},SIZE=32,ITERATIONS=4,NEURALSTYLE_VGG19_WEIGHTS={weights}", Script()],
            slurmConf!);
        Assert.True(exitCode == 0, $"sbatch --wait exited with {exitCode}: {output}");

        // Every photo has one output, and the tasks' logs say each was written by exactly one task.
        Assert.Equal(names.Select(n => Path.ChangeExtension(n, ".png")).Order(), Directory.GetFiles(Path.Combine(_shared, "styled")).Select(Path.GetFileName).Order());
        var done = Enumerable.Range(0, 3)
            .SelectMany(task => File.ReadAllLines(Path.Combine(_shared, "logs", $"stylise-{task}.log"))
                .Where(line => line.StartsWith('{'))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(e => e.GetProperty("status").GetString() == "done")
                .Select(e => Path.GetFileName(e.GetProperty("input").GetString()!)))
            .ToArray();
        Assert.Equal(names.Order(), done.Order());
    }

    [Fact]
    public void The_script_is_the_one_docs_scaling_shows()
    {
        var script = File.ReadAllText(Script());
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "scaling.md"));
        Assert.Contains("```bash\n" + script + "```", docs, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_shared, recursive: true);

    private static string Script() => Path.Combine(RepositoryRoot(), "deploy", "slurm", "stylise-photos.sbatch");

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NeuralStyle.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NeuralStyle.sln) is not above the test's folder.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, string slurmConf)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SLURM_CONF"] = slurmConf;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
