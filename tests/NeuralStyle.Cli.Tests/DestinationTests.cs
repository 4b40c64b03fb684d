namespace NeuralStyle.Cli.Tests;

/// <summary>
/// Every file the tool writes (the output, the checkpoint, --save-every's images) follows the output
/// rule, checked before any work: the weights named here do not exist, so a run that got as far as
/// loading them would fail with another message.
/// </summary>
public sealed class DestinationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-destinations-").FullName;
    private readonly StringWriter _stderr = new();
    private readonly string _photo;

    public DestinationTests()
    {
        _photo = Path.Combine(_folder, "photo.jpg");
        File.WriteAllText(_photo, "the user's photo");
    }

    [Fact]
    public async Task A_checkpoint_named_as_the_content_photo_is_refused_and_the_photo_kept()
    {
        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Out("o.png"), "--checkpoint", _photo, "--overwrite"));

        Assert.Equal($"neural-style: The checkpoint '{_photo}' is the run's content image; give the checkpoint a path of its own.", SingleLine());
        Assert.Equal("the user's photo", File.ReadAllText(_photo));
    }

    [Fact]
    public async Task An_existing_file_named_as_the_checkpoint_is_kept_without_overwrite()
    {
        var notes = Out("notes.txt");
        File.WriteAllText(notes, "keep me");

        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Out("o.png"), "--checkpoint", notes));

        Assert.Equal(
            $"neural-style: The checkpoint cannot be kept at '{notes}': a file already exists there; set --overwrite to replace it, or --resume it to continue its run.",
            SingleLine());
        Assert.Equal("keep me", File.ReadAllText(notes));
    }

    [Fact]
    public async Task A_checkpoint_at_the_output_path_is_refused_before_any_work()
    {
        var output = Out("o.png");

        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", output, "--checkpoint", output));

        Assert.Equal($"neural-style: The checkpoint and the output are the same file, '{output}'; give the checkpoint a path of its own.", SingleLine());
        Assert.Equal([_photo], Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_folder_as_the_checkpoint_or_the_output_is_refused_before_any_work()
    {
        var folder = Directory.CreateDirectory(Out("a-folder.png")).FullName;

        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Out("o.png"), "--checkpoint", folder));
        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", folder, "--overwrite"));

        var lines = Lines();
        Assert.Equal($"neural-style: The checkpoint cannot be kept at '{folder}': it is a folder; name a file inside it.", lines[0]);
        Assert.Equal($"neural-style: Could not write the image to '{folder}': it is a folder; name a file inside it", lines[1]);
    }

    [Fact]
    public async Task An_output_in_a_folder_that_takes_no_files_is_refused_before_any_work_naming_the_users_path()
    {
        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", "/proc/out.png"));

        var line = SingleLine();
        Assert.StartsWith("neural-style: Could not write the image to '/proc/out.png': the file system refused a new file in '/proc'", line);
        Assert.DoesNotContain(".tmp", line);
    }

    [Fact]
    public async Task Save_every_keeps_existing_numbered_images_without_overwrite()
    {
        var earlier = Out("o_0002.png");
        File.WriteAllText(earlier, "an earlier run's image");

        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Out("o.png"), "--save-every", "2"));

        Assert.Equal(
            $"neural-style: '{earlier}' already exists, and --save-every writes files of that name; add --overwrite to replace them, or choose another output name.",
            SingleLine());
        Assert.Equal("an earlier run's image", File.ReadAllText(earlier));
    }

    [Fact]
    public async Task A_pattern_character_in_the_output_name_matches_nothing_but_itself()
    {
        // out_*.png is not an existing numbered image, and o?_0002.png does not stand for o._0002.png.
        File.WriteAllText(Out("o._0002.png"), "unrelated");

        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Out("o?.png"), "--save-every", "2"));

        Assert.DoesNotContain("already exists", SingleLine());
    }

    [Fact]
    public async Task The_output_may_not_replace_an_input_even_with_overwrite()
    {
        Assert.Equal(1, await Run(_photo, "s.jpg", "-o", Path.ChangeExtension(_photo, ".jpg"), "--overwrite"));

        Assert.Equal($"neural-style: Could not write the image to '{_photo}': it is the run's content image; choose another output path", SingleLine());
        Assert.Equal("the user's photo", File.ReadAllText(_photo));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out(string name) => Path.Combine(_folder, name);

    private Task<int> Run(params string[] args) =>
        CliApp.RunAsync([.. args, "--weights", Out("no-such-weights.h5"), "--quiet"], TextWriter.Null, _stderr, CancellationToken.None);

    private string[] Lines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string SingleLine() => Assert.Single(Lines());
}
