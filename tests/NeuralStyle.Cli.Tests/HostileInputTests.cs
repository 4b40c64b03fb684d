using System.Diagnostics;

namespace NeuralStyle.Cli.Tests;

/// <summary>
/// Inputs a careless user or a hostile file system gives: pipes, devices, folders, huge numbers,
/// names with terminal escapes. Each ends in one line and exit code 1, before any work (the weights
/// named do not exist, so a run that got further would fail otherwise).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-hostile-").FullName;
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task A_named_pipe_as_an_input_is_refused_without_being_opened()
    {
        var pipe = Path.Combine(_folder, "photo.png");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a pipe that no one writes to blocks; the run must not get that far.
        var run = Run(pipe, "s.png", "-o", Out("o.png"));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2))));

        Assert.Equal(1, await run);
        Assert.Equal($"neural-style: Could not load the image from '{pipe}': the file is empty, or not a regular file (a pipe, a device); give an image file", SingleLine());
    }

    [Fact]
    public async Task A_device_that_never_ends_is_refused_in_one_line()
    {
        Assert.Equal(1, await Run("/dev/zero", "s.png", "-o", Out("o.png")));

        Assert.Equal("neural-style: Could not load the image from '/dev/zero': the file is empty, or not a regular file (a pipe, a device); give an image file", SingleLine());
    }

    [Fact]
    public async Task A_folder_given_as_an_image_or_a_checkpoint_to_resume_is_named_as_a_folder()
    {
        var image = Out("image.png");
        File.WriteAllBytes(image, Imaging.Tests.PngWriter.Write(64, 64, Imaging.Tests.PngWriter.Rgb, 8, new byte[64 * ((64 * 3) + 1)]));

        Assert.Equal(1, await Run(_folder, image, "-o", Out("o.png")));
        Assert.Equal(1, await Run(image, image, "-o", Out("o.png"), "--size", "64", "--resume", _folder));

        var lines = Lines();
        Assert.Equal($"neural-style: Could not load the image from '{_folder}': it is a folder, not an image file", lines[0]);
        Assert.Equal($"neural-style: The checkpoint '{_folder}' is a folder; give the file that --checkpoint wrote.", lines[1]);
    }

    [Fact]
    public async Task A_number_too_large_for_its_option_says_so()
    {
        Assert.Equal(1, await Run("c.png", "s.png", "-o", Out("o.png"), "--size", "99999999999999"));

        Assert.Equal("neural-style: --size is too large; it was '99999999999999'.", SingleLine());
    }

    [Fact]
    public async Task The_pixel_limit_names_the_option_the_tool_has_for_it()
    {
        var photo = Out("photo.png");
        File.WriteAllBytes(photo, Imaging.Tests.PngWriter.Write(2000, 1000, Imaging.Tests.PngWriter.Rgb, 8, []));

        Assert.Equal(1, await Run(photo, "s.png", "-o", Out("o.png"), "--max-pixels", "1000000"));

        Assert.Equal($"neural-style: Could not load the image from '{photo}': its header claims 2000 × 1000 = 2,000,000 pixels, more than the limit of 1,000,000; raise --max-pixels if the image is genuine", SingleLine());
    }

    [Fact]
    public async Task Control_characters_in_a_file_name_reach_the_terminal_escaped()
    {
        var name = Out("\u001b[2Jphoto\u0007.png");

        Assert.Equal(1, await Run(name, "s.png", "-o", Out("o.png")));

        var line = SingleLine();
        Assert.DoesNotContain(line, c => c < ' ' || c is >= '\u007f' and <= '\u009f');
        Assert.Contains("\\x1B[2Jphoto\\x07.png", line);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out(string name) => Path.Combine(_folder, name);

    private Task<int> Run(params string[] args) =>
        Task.Run(() => CliApp.RunAsync([.. args, "--weights", Out("no-such-weights.h5"), "--quiet"], TextWriter.Null, _stderr, CancellationToken.None));

    private string[] Lines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string SingleLine() => Assert.Single(Lines());
}
