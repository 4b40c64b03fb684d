using System.Diagnostics;
using System.Text.Json;

namespace NeuralStyle.Cli.Tests;

/// <summary>
/// <c>neural-style batch</c> as a scheduler runs it: shard processes started as separate programs,
/// one killed and started again, shards with the wrong count.
/// </summary>
public sealed class BatchTests : IDisposable
{
    private static readonly string[] RunSettings = ["--size", "32", "--iterations", "2", "--seed", "5", "--quiet"];
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-batch-").FullName;

    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void The_shard_hash_is_64_bit_fnv_1a(string name, ulong expected)
    {
        // Expected values: the FNV-1a test vectors published with the algorithm.
        Assert.Equal(expected, BatchShard.Fnv1a64(name));
    }

    [Fact]
    public void Every_name_falls_in_exactly_one_shard()
    {
        var names = Enumerable.Range(0, 200).Select(i => $"photo-{i:D3}.jpg").ToArray();
        foreach (var count in new[] { 1, 2, 3, 7 })
        {
            var shards = Enumerable.Range(0, count).Select(i => new BatchShard(i, count)).ToArray();

            Assert.All(names, name => Assert.Single(shards, s => s.Contains(name)));
        }
    }

    [SkippableFact]
    public async Task Three_shard_processes_write_every_output_once_and_each_as_one_process_does()
    {
        var (inputs, style) = RealInputs();
        var single = Path.Combine(_folder, "single");
        var sharded = Path.Combine(_folder, "sharded");
        Assert.Equal(3, await RunInProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", single, .. RunSettings])); // broken.jpg fails

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            RunProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", sharded, "--shard", $"{i}/3", "--json", .. RunSettings])));

        var written = runs.SelectMany(r => JsonLines(r.Stdout).Where(o => o.GetProperty("status").GetString() == "done").Select(o => Path.GetFileName(o.GetProperty("output").GetString()!))).ToArray();
        Assert.Equal(written.Length, written.Distinct().Count()); // no output written by two shards
        Assert.Equal(Names(single), written.Order(StringComparer.Ordinal));
        AssertSameFiles(single, sharded);
        Assert.Single(runs, r => r.ExitCode == 3); // the shard that holds broken.jpg
    }

    [SkippableFact]
    public async Task A_shard_killed_midway_and_started_again_completes_the_batch_and_leaves_no_partial_file()
    {
        var (inputs, style) = RealInputs();
        var single = Path.Combine(_folder, "single");
        var output = Path.Combine(_folder, "out");
        await RunInProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", single, .. RunSettings]);

        int killedPid;
        long killedStart;
        using (var first = StartProcess(["batch", style, "--inputs", inputs, "--output-dir", output, .. RunSettings]))
        {
            (killedPid, killedStart) = (first.Id, new DateTimeOffset(first.StartTime.ToUniversalTime()).ToUnixTimeSeconds());
            // Killed once it has written its first output, in the middle of the batch.
            for (var i = 0; i < 6000 && !first.HasExited && !(Directory.Exists(output) && Directory.EnumerateFiles(output, "*.png").Any()); i++)
            {
                await Task.Delay(10);
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        // What a kill during a write leaves: the atomic write's temporary file beside an output, named for its owner (TemporaryFiles).
        var leftover = Path.Combine(output, $".{Names(single).Last()}.{HostHash()}-{killedPid}-{killedStart}-0123abcd.tmp");
        await File.WriteAllBytesAsync(leftover, [1, 2, 3]);

        var rerun = await RunProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", output, .. RunSettings]);

        Assert.Equal(3, rerun.ExitCode);
        AssertSameFiles(single, output);
        Assert.False(File.Exists(leftover));
        Assert.Empty(Directory.EnumerateFiles(output, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [SkippableFact]
    public async Task Shards_of_a_wrong_count_are_harmless_every_file_they_write_is_right()
    {
        var (inputs, style) = RealInputs();
        var single = Path.Combine(_folder, "single");
        var mixed = Path.Combine(_folder, "mixed");
        await RunInProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", single, .. RunSettings]);

        await Task.WhenAll(
            RunProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", mixed, "--shard", "0/2", .. RunSettings]),
            RunProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", mixed, "--shard", "0/3", .. RunSettings]));

        var produced = Names(mixed);
        Assert.NotEmpty(produced);
        foreach (var name in produced)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(single, name)), await File.ReadAllBytesAsync(Path.Combine(mixed, name)));
        }

        Assert.Empty(Directory.EnumerateFiles(mixed, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));

        // A run without --shard (or with the right count) completes what they missed.
        await RunInProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", mixed, .. RunSettings]);
        AssertSameFiles(single, mixed);
    }

    [SkippableFact]
    public async Task Start_up_removes_only_temporary_files_of_processes_proven_gone()
    {
        var (inputs, style) = RealInputs();
        File.Copy(Path.Combine(inputs, "tubingen.jpg"), Path.Combine(inputs, "*.jpg")); // a name that is a pattern elsewhere
        var output = Directory.CreateDirectory(Path.Combine(_folder, "out")).FullName;
        var self = Process.GetCurrentProcess();
        var selfStart = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        var alive = Path.Combine(output, $".tubingen.png.{HostHash()}-{self.Id}-{selfStart}-0123abcd.tmp"); // this test process is in the middle of a write
        var otherMachine = Path.Combine(output, $".chicago.png.{HostHash("another-machine")}-1-{selfStart}-0123abcd.tmp");
        var reusedId = Path.Combine(output, $".stata.png.{HostHash()}-{self.Id}-{selfStart - 3600}-0123abcd.tmp"); // same id, but started an hour earlier: gone
        var unrelated = Path.Combine(output, ".notes.png.cache.tmp");
        foreach (var file in new[] { alive, otherMachine, reusedId, unrelated })
        {
            await File.WriteAllBytesAsync(file, [1]);
        }

        Assert.Equal(3, await RunInProcessAsync(["batch", style, "--inputs", inputs, "--output-dir", output, .. RunSettings]));

        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(otherMachine));
        Assert.True(File.Exists(unrelated));
        Assert.False(File.Exists(reusedId));
        Assert.True(File.Exists(Path.Combine(output, "*.png")));
    }

    [SkippableFact]
    public async Task An_output_that_cannot_be_written_fails_that_input_and_the_batch_goes_on()
    {
        var (inputs, style) = RealInputs();
        var output = Directory.CreateDirectory(Path.Combine(_folder, "out")).FullName;
        Directory.CreateDirectory(Path.Combine(output, "chicago.png")); // a folder where chicago's output would go
        var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["batch", style, "--inputs", inputs, "--output-dir", output, .. RunSettings[..^1]], TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(3, code);
        Assert.Contains("neural-style: chicago.jpg: Could not write the image to", stderr.ToString());
        Assert.Equal(["shipwreck.png", "stata.png", "tubingen.png", "udnie.png", "wave.png"], Names(output));
    }

    [Fact]
    public async Task Inputs_that_would_write_the_same_output_are_refused_before_any_work()
    {
        var inputs = Directory.CreateDirectory(Path.Combine(_folder, "clash")).FullName;
        File.WriteAllBytes(Path.Combine(inputs, "a.jpg"), [1]);
        File.WriteAllBytes(Path.Combine(inputs, "a.png"), [1]);
        var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["batch", "s.jpg", "--inputs", inputs, "--output-dir", Path.Combine(_folder, "o")], TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("'a.jpg' and 'a.png' would all be written to 'a.png'", stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(_folder, "o")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A folder of six photos and artworks plus one file that is not an image; and a style.</summary>
    private (string Inputs, string Style) RealInputs()
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        Skip.If(string.IsNullOrEmpty(images) || string.IsNullOrEmpty(weights), "NEURALSTYLE_TEST_IMAGES and NEURALSTYLE_VGG19_WEIGHTS must be set (.ci/run sets them).");
        var inputs = Directory.CreateDirectory(Path.Combine(_folder, "inputs")).FullName;
        foreach (var name in new[] { "tubingen.jpg", "chicago.jpg", "stata.jpg", "wave.jpg", "udnie.jpg", "shipwreck.jpg" })
        {
            File.Copy(Path.Combine(images!, name), Path.Combine(inputs, name));
        }

        File.WriteAllText(Path.Combine(inputs, "broken.jpg"), "not an image");
        return (inputs, Path.Combine(images!, "starry_night.jpg"));
    }

    /// <summary>The machine part of a temporary file's name: the first 8 hex digits of SHA-256 of the machine's name (TemporaryFiles' documented format).</summary>
    private static string HostHash(string? machine = null) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(machine ?? Environment.MachineName)))[..8];

    private static string[] Names(string folder) =>
        Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static void AssertSameFiles(string expectedFolder, string actualFolder)
    {
        Assert.Equal(Names(expectedFolder), Names(actualFolder));
        foreach (var name in Names(expectedFolder))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(expectedFolder, name)), File.ReadAllBytes(Path.Combine(actualFolder, name)));
        }
    }

    private static IEnumerable<JsonElement> JsonLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);

    private static Task<int> RunInProcessAsync(string[] args) => CliApp.RunAsync(args, TextWriter.Null, TextWriter.Null, CancellationToken.None);

    private static Process StartProcess(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "neural-style.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<(int ExitCode, string Stdout)> RunProcessAsync(string[] args)
    {
        using var process = StartProcess(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout);
    }
}
