using System.Text.Json;

namespace NeuralStyle.Cli.Tests;

/// <summary>The tool run in-process, as a user runs it: exit codes, messages, outputs.</summary>
public sealed class CliAppTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-cli-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task Help_lists_the_usage_and_exits_0()
    {
        Assert.Equal(0, await Run("--help"));
        var help = _stdout.ToString();
        Assert.Contains(" [<CONTENT> [<STYLE>...]] [command] [options]", help);
        Assert.Contains("batch", help);
        Assert.Contains("--size <N>", help);
        Assert.Contains("[default: 512]", help);
        Assert.Contains("Exit codes", help);
    }

    [Fact]
    public async Task Bad_arguments_exit_1_with_one_line()
    {
        Assert.Equal(1, await Run("a.jpg"));
        Assert.Single(Lines(_stderr));
        Assert.StartsWith("neural-style: ", _stderr.ToString());
    }

    [Fact]
    public async Task A_bad_option_value_exits_1_naming_the_option_as_the_tool_spells_it()
    {
        Assert.Equal(1, await Run("a.jpg", "b.jpg", "-o", Path.Combine(_folder, "o.png"), "--adam-after", "0"));

        Assert.Equal("neural-style: --adam-after must be greater than zero; it was 0.", Assert.Single(Lines(_stderr)));
    }

    [Fact]
    public async Task Missing_input_file_exits_1_with_one_line_naming_it()
    {
        var missing = Path.Combine(_folder, "missing.jpg");

        Assert.Equal(1, await Run(missing, missing, "-o", Path.Combine(_folder, "o.png"), "--quiet"));

        var line = Assert.Single(Lines(_stderr));
        Assert.Contains(missing, line);
        Assert.DoesNotContain("   at ", _stderr.ToString());
    }

    [Fact]
    public async Task Corrupt_input_file_exits_1()
    {
        var corrupt = Path.Combine(_folder, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);

        Assert.Equal(1, await Run(corrupt, corrupt, "-o", Path.Combine(_folder, "o.png"), "--quiet"));
        Assert.Contains(corrupt, Assert.Single(Lines(_stderr)));
    }

    [SkippableFact]
    public async Task Json_prints_one_object_per_iteration_and_save_every_writes_intermediates()
    {
        var (content, style, weights) = RealInputs();
        var output = Path.Combine(_folder, "out.png");

        var code = await Run(content, style, "-o", output, "--size", "32", "--iterations", "4", "--weights", weights, "--json", "--save-every", "2");

        Assert.Equal(0, code);
        var objects = Lines(_stdout).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var iterations = objects[..^1];
        Assert.Equal([1, 2, 3, 4], iterations.Select(o => o.GetProperty("iteration").GetInt32()).ToArray());
        Assert.All(iterations, o => Assert.True(o.GetProperty("total").GetDouble() > 0));
        var result = objects[^1];
        Assert.Equal(output, result.GetProperty("result").GetString());
        Assert.Equal(4, result.GetProperty("iterations").GetInt32());
        Assert.Equal(JsonValueKind.Number, result.GetProperty("seed").ValueKind);
        Assert.True(File.Exists(output));
        Assert.True(File.Exists(Path.Combine(_folder, "out_0002.png")));
        Assert.True(File.Exists(Path.Combine(_folder, "out_0004.png")));
    }

    [SkippableFact]
    public async Task Cancelled_run_exits_130_and_writes_nothing()
    {
        var (content, style, weights) = RealInputs();
        using var cts = new CancellationTokenSource();
        using var stdout = new CancelOnFirstLine(cts); // Ctrl+C as the first iteration is reported

        var code = await CliApp.RunAsync(
            [content, style, "-o", Path.Combine(_folder, "out.png"), "--size", "64", "--iterations", "100000", "--weights", weights, "--json"],
            stdout,
            _stderr,
            cts.Token);

        Assert.Equal(130, code);
        Assert.Single(Lines(stdout));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [SkippableFact]
    public async Task A_run_stopped_by_ctrl_c_resumes_from_its_checkpoint_to_the_uninterrupted_image()
    {
        var (content, style, weights) = RealInputs();
        string[] run = [content, style, "--size", "48", "--start-size", "32", "--iterations", "4", "--weights", weights];
        var uninterrupted = Path.Combine(_folder, "uninterrupted.png");
        var output = Path.Combine(_folder, "out.png");
        var checkpoint = Path.Combine(_folder, "run.checkpoint");
        Assert.Equal(0, await Run([.. run, "-o", uninterrupted, "--quiet"]));

        using var cts = new CancellationTokenSource();
        using var stdout = new CancelOnLine(cts, 7); // Ctrl+C as iteration 7 is reported
        var stopped = await CliApp.RunAsync([.. run, "-o", output, "--checkpoint", checkpoint, "--checkpoint-every", "3", "--json"], stdout, _stderr, cts.Token);
        var resumed = await Run([.. run, "-o", output, "--checkpoint", checkpoint, "--resume", checkpoint, "--quiet"]);

        Assert.Equal((130, 0), (stopped, resumed));
        Assert.Equal(await File.ReadAllBytesAsync(uninterrupted), await File.ReadAllBytesAsync(output));
    }

    [SkippableFact]
    public async Task Resuming_with_other_options_exits_1_with_one_line()
    {
        var (content, style, weights) = RealInputs();
        var checkpoint = Path.Combine(_folder, "run.checkpoint");
        Assert.Equal(0, await Run(content, style, "--size", "32", "--iterations", "4", "--weights", weights, "-o", Path.Combine(_folder, "a.png"), "--checkpoint", checkpoint, "--checkpoint-every", "2", "--quiet"));

        var code = await Run(content, style, "--size", "32", "--iterations", "4", "--weights", weights, "-o", Path.Combine(_folder, "b.png"), "--resume", checkpoint, "--style-weight", "1", "--quiet");

        Assert.Equal(1, code);
        Assert.Contains("other options or images", Assert.Single(Lines(_stderr)));
        Assert.False(File.Exists(Path.Combine(_folder, "b.png")));
    }

    [Fact]
    public async Task An_existing_output_is_kept_without_overwrite()
    {
        var output = Path.Combine(_folder, "out.png");
        await File.WriteAllTextAsync(output, "keep me");

        var code = await Run(CancellationToken.None, "c.jpg", "s.jpg", "-o", output);

        Assert.Equal(1, code);
        Assert.Contains("--overwrite", _stderr.ToString());
        Assert.Equal("keep me", await File.ReadAllTextAsync(output));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<int> Run(params string[] args) => Run(CancellationToken.None, args);

    private Task<int> Run(CancellationToken token, params string[] args) => CliApp.RunAsync(args, _stdout, _stderr, token);

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Cancels the token once the first line has been written.</summary>
    private sealed class CancelOnFirstLine(CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            cancellation.Cancel();
        }
    }

    /// <summary>Cancels the token once the given number of lines has been written.</summary>
    private sealed class CancelOnLine(CancellationTokenSource cancellation, int line) : StringWriter
    {
        private int _lines;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (++_lines == line)
            {
                cancellation.Cancel();
            }
        }
    }

    private static (string Content, string Style, string Weights) RealInputs()
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        Skip.If(string.IsNullOrEmpty(images) || string.IsNullOrEmpty(weights), "NEURALSTYLE_TEST_IMAGES and NEURALSTYLE_VGG19_WEIGHTS must be set (.ci/run sets them).");
        return (Path.Combine(images!, "tubingen.jpg"), Path.Combine(images!, "starry_night.jpg"), weights!);
    }
}
