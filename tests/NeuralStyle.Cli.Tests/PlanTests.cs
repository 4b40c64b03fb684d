namespace NeuralStyle.Cli.Tests;

/// <summary>--plan, --max-memory, and the refusal of a run that does not fit.</summary>
public sealed class PlanTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-plan-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Theory]
    [InlineData("1.5GB", 1_500_000_000)]
    [InlineData("800 mb", 800_000_000)]
    [InlineData("2GiB", 2_147_483_648)]
    [InlineData("512MiB", 536_870_912)]
    [InlineData("12345", 12_345)]
    [InlineData("3 kB", 3_000)]
    public void Memory_sizes_are_read_in_decimal_and_binary_units(string text, long bytes)
    {
        Assert.True(MemorySize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1GB")]
    [InlineData("0")]
    [InlineData("1.5XB")]
    [InlineData("GB")]
    public void Other_text_is_not_a_memory_size(string text) => Assert.False(MemorySize.TryParse(text, out _));

    [Fact]
    public async Task A_bad_max_memory_is_one_line_and_exit_1()
    {
        Assert.Equal(1, await Run("a.jpg", "b.jpg", "-o", Path.Combine(_folder, "o.png"), "--max-memory", "lots"));
        Assert.Equal(
            "neural-style: --max-memory must be a memory size such as 1.5GB, 800MB or 2GiB; it was 'lots'.",
            Assert.Single(Lines(_stderr)));
    }

    [SkippableFact]
    public async Task Plan_prints_the_scales_and_whether_the_run_fits_and_runs_nothing()
    {
        var (content, style) = Images();
        Assert.Equal(0, await Run(content, style, "--plan", "--size", "512", "--max-memory", "100GB"));
        var lines = Lines(_stdout);
        Assert.Equal(7, lines.Length); // five scales, the total, whether it fits
        Assert.StartsWith("scale 1/5: 128 × 96 px, 100 iterations, peak ", lines[0]);
        Assert.StartsWith("scale 5/5: 512 × 384 px, 50 iterations, peak ", lines[4]);
        Assert.StartsWith("peak memory ", lines[5]);
        Assert.Equal("fits: the limit is 100.0 GB (--max-memory)", lines[6]);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [SkippableFact]
    public async Task Plan_says_what_fits_when_the_run_does_not()
    {
        var (content, style) = Images();
        Assert.Equal(0, await Run(content, style, "--plan", "--size", "4096", "--start-size", "4096", "--max-memory", "12GB"));
        Assert.Matches("^does not fit: the limit is 12.0 GB \\(--max-memory\\); --size [0-9]+ fits$", Lines(_stdout)[^1]);
    }

    [SkippableFact]
    public async Task With_tile_a_run_that_does_not_fit_whole_is_planned_in_tiles_that_fit()
    {
        var (content, style) = Images();
        Assert.Equal(0, await Run(content, style, "--plan", "--size", "1024", "--max-memory", "1.5GB", "--tile"));
        var lines = Lines(_stdout);
        // L-BFGS's history would leave room for smaller tiles only under 1.5 GB, so the tiled scales run Adam, and say so.
        Assert.Matches("^scale 7/7: 1024 × 768 px, 50 iterations in [0-9]+ tiles of [0-9]+ px with Adam \\(L-BFGS's history would not fit in tiles this large\\), peak ", lines[6]);
        Assert.Equal("fits: the limit is 1.5 GB (--max-memory)", lines[^1]);

        _stdout.GetStringBuilder().Clear();
        Assert.Equal(0, await Run(content, style, "--plan", "--size", "256", "--start-size", "256", "--tile-size", "128"));
        Assert.StartsWith("scale 1/1: 256 × 192 px, 50 iterations in 6 tiles of 128 px, peak ", Lines(_stdout)[0]); // ⌈(256 − 32) / 96⌉ × ⌈(192 − 32) / 96⌉
    }

    [SkippableFact]
    public async Task A_run_that_does_not_fit_is_refused_in_one_line_with_exit_1_and_nothing_written()
    {
        var (content, style) = Images();
        var output = Path.Combine(_folder, "big.png");
        Assert.Equal(1, await Run(content, style, "-o", output, "--size", "4096", "--start-size", "4096", "--max-memory", "12GB", "--weights", Path.Combine(_folder, "none.h5"), "--quiet"));
        var line = Assert.Single(Lines(_stderr));
        Assert.Matches("^neural-style: The run needs about [0-9.]+ GB at 4096 × 3072 px in Float32, more than the 12.0 GB it may use \\(the limit it was given\\); the largest output size that fits is [0-9]+ px, or allow tiling\\.$", line);
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [InlineData("bf16")]
    [InlineData("float32")]
    public async Task Bfloat16_on_a_cpu_that_emulates_it_is_warned_about_before_any_work(string precision)
    {
        var (content, style) = Images();
        Assert.Equal(0, await Run(content, style, "--plan", "--precision", precision));
        var warned = Lines(_stderr).Any(l => l.StartsWith("neural-style: warning: this CPU has no bfloat16 arithmetic", StringComparison.Ordinal)
            && l.EndsWith("use --precision float32.", StringComparison.Ordinal));
        Assert.Equal(precision == "bf16" && ComputeSupport.BFloat16(ComputeDevice.Cpu) == BFloat16Support.Emulated, warned);
    }

    private Task<int> Run(params string[] args) => CliApp.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (string Content, string Style) Images()
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        Skip.If(string.IsNullOrEmpty(images), "NEURALSTYLE_TEST_IMAGES must be set (.ci/run sets it).");
        return (Path.Combine(images!, "tubingen.jpg"), Path.Combine(images!, "starry_night.jpg"));
    }
}
