using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// The command line, declared once: the run's options come from the <see cref="RunOptionCatalogue"/>
/// the web app reads too (one <c>--name</c> each), the tool's own settings and the batch command are
/// declared here. System.CommandLine parses it (POSIX and Windows forms, <c>--opt=value</c>, response
/// files <c>@file</c>) and writes the help from these declarations. Defaults shown in the help are the library's.
/// </summary>
internal sealed class CliCommand
{
    private const string Description = """
        neural-style — repaint a photo in the style of an artwork (Gatys et al.).

        Examples:
          neural-style photo.jpg starry_night.jpg -o out.png
          neural-style photo.jpg scream.jpg -o out.jpg --size 256 --iterations 200
          neural-style photo.jpg starry.jpg scream.jpg --style-blend 0.7,0.3 -o blend.png
          neural-style photo.jpg starry.jpg scream.jpg --style-masks sky.png,ground.png -o mix.png

        Exit codes: 0 success, 1 bad arguments or input, 2 failure at run time, 130 cancelled.
        """;

    private const string BatchDescription = """
        Stylise every image of a folder into another folder, with one loaded network for the whole batch.

        An output that exists already is skipped, so running the same command again after a crash does only
        what is left. An input that cannot be read is reported and skipped. --shard I/N takes the inputs
        whose file name hashes to shard I of N, so N processes on N machines split one batch without
        coordination (docs/scaling.md).

        Exit codes: 0 every input done (or already there), 3 some inputs failed (the rest are done),
        1 bad arguments, 2 failure at run time, 130 cancelled.
        """;

    private const string ApplyDescription = """
        Stylise photos with a trained style (an .onnx model made by neural-style train): one pass per photo,
        at the photo's own size (large photos in blended tiles), in about a second instead of minutes.

        With one photo, -o names the output file; with several, -o names a folder that gets one PNG per
        photo, named after it. A photo that cannot be read is reported and passed over.

        Exit codes: 0 every photo done, 3 some photos failed (the rest are done), 1 bad arguments or model,
        130 cancelled.
        """;

    private const string TrainDescription = """
        Train a style: a feed-forward network (Johnson et al.) learns to paint photos in the style of the artwork,
        with this tool's losses on random crops of your photos, and is written as an ONNX model that
        neural-style apply (or any ONNX Runtime) uses in about a second per photo. Takes minutes to hours.

        Of the main command's options, --style-weight, --content-weight, --tv-weight, --style-scale (relative
        to a crop), --precision and --seed apply here too; the style weight's default here is 5e-4.

        Example:
          neural-style train starry_night.jpg --photos ~/photos -o starry.onnx --steps 2000 --checkpoint-dir starry.ckpt --preview tubingen.jpg

        Exit codes: 0 trained, 1 bad arguments or input, 2 failure at run time, 130 cancelled (resume with --resume).
        """;

    private const string VideoDescription = """
        Stylise a video clip without flicker (Ruder et al.): the first frame as a still, each later frame started from
        the previous result moved along the optical flow and held to it where the flow is reliable. The frame size,
        weights, precision, colours and style options of the main command apply; --iterations counts each later
        frame's iterations, --iterations-first the first frame's. Sound is copied, not re-encoded.

        Finished frames are kept in OUTPUT.frames (or --frames-dir) as they are done, so the same command after an
        interruption goes on where it stopped; the folder is removed once the video is written. --shard I/N
        stylises one of N contiguous segments on one machine (into a shared --frames-dir) and writes no video;
        the same command with --join N then writes it (docs/scaling.md).

        With --model MODEL.onnx (a trained style, from neural-style train) and no STYLE, each frame is painted in one
        pass at the clip's size (or --size) and pulled towards the previous result along the flow (--blend):
        about a second a frame instead of minutes.

        Examples:
          neural-style video clip.mp4 starry_night.jpg -o styled.mp4 --size 256 --duration 5
          neural-style video clip.mp4 --model styles/starry-night.onnx -o fast.mp4
          neural-style video clip.mp4 scream.jpg -o part.mp4 --from 1:30 --duration 10 --fps 12

        Exit codes: 0 written (or, with --shard, the segment's frames kept), 1 bad arguments, input or missing ffmpeg,
        2 failure at run time, 130 cancelled (the frames finished so far are kept).
        """;

    /// <param name="catalogue">The run options to offer; the library's when null.</param>
    public CliCommand(RunOptionCatalogue? catalogue = null)
    {
        Catalogue = catalogue ?? RunOptionCatalogue.Default;
        Root = new RootCommand(Description);
        Root.Options.Remove(Root.Options.OfType<VersionOption>().Single()); // --version prints the library's version, below.
        foreach (var argument in new Argument[] { Content, Styles })
        {
            Root.Arguments.Add(argument);
            argument.Validators.Add(RejectUnknownOptions);
        }

        // The run's options apply to the single run and, unless they are about one run's files, to every run of a batch.
        RunOptions = Catalogue.For(OptionFronts.Cli).Select(entry => (entry, Declare(entry))).ToArray();
        foreach (var (entry, option) in RunOptions)
        {
            option.Recursive = !entry.SingleRunOnly;
            Root.Options.Add(option);
        }

        foreach (var option in new Option[] { Device, Weights, Threads, Json, Quiet, Verbose })
        {
            option.Recursive = true;
            Root.Options.Add(option);
        }

        foreach (var option in new Option[] { SaveEvery, Plan, Version })
        {
            Root.Options.Add(option);
        }

        Apply = new Command("apply", ApplyDescription) { ApplyModel, ApplyPhotos, ApplyOutput, ApplyOverwrite };
        ApplyPhotos.Validators.Add(RejectUnknownOptions);
        Root.Subcommands.Add(Apply);

        Train = new Command("train", TrainDescription)
        {
            TrainStyle, TrainPhotos, TrainOutput, TrainOverwrite, TrainSteps, TrainCropSize, TrainBatchSize, TrainWidth, TrainCheckpointFolder, TrainCheckpointEvery, TrainResume,
            TrainPreview, TrainPreviewEvery,
        };
        Root.Subcommands.Add(Train);

        Video = new Command("video", VideoDescription)
        {
            VideoInput, VideoStyles, VideoOutput, VideoOverwrite, VideoFrameRate, VideoFrom, VideoDuration, VideoIterationsFirst, VideoTemporalWeight, VideoLongTerm,
            VideoModel, VideoBlend, VideoFramesFolder, VideoKeepFrames, VideoShard, VideoJoin,
        };
        VideoStyles.Validators.Add(RejectUnknownOptions);
        Root.Subcommands.Add(Video);

        Batch = new Command("batch", BatchDescription) { BatchStyles, Inputs, OutputDirectory, Format, Shard };
        BatchStyles.Validators.Add(RejectUnknownOptions);
        Root.Subcommands.Add(Batch);

        // CliApp dispatches on the parse result itself; an action on each command tells the parser
        // that the root runs without a subcommand.
        Root.SetAction(_ => CliApp.Success);
        Batch.SetAction(_ => CliApp.Success);
        Apply.SetAction(_ => CliApp.Success);
        Train.SetAction(_ => CliApp.Success);
        Video.SetAction(_ => CliApp.Success);
    }

    public RootCommand Root { get; }

    /// <summary>The run options offered, in the catalogue's order.</summary>
    public RunOptionCatalogue Catalogue { get; }

    /// <summary>Each run option of the catalogue with the command-line option declared for it.</summary>
    public IReadOnlyList<(RunOption Entry, Option Option)> RunOptions { get; }

    /// <summary><c>neural-style batch STYLE [STYLE…] --inputs DIR --output-dir DIR</c>.</summary>
    public Command Batch { get; }

    /// <summary><c>neural-style train STYLE --photos DIR -o NAME.onnx</c>.</summary>
    public Command Train { get; }

    public Argument<string> TrainStyle { get; } = new("STYLE") { Description = "the artwork whose style is learnt" };

    public Option<string> TrainPhotos { get; } = new("--photos") { Description = "the folder of photos to train on (its .jpg, .png and .webp files)", HelpName = "DIR", Required = true };

    public Option<string> TrainOutput { get; } = new("--output", "-o") { Description = "the trained style's file (.onnx)", HelpName = "PATH", Required = true };

    public Option<bool> TrainOverwrite { get; } = new("--overwrite") { Description = "replace the output if it exists" };

    public Option<int?> TrainSteps { get; } = new("--steps") { Description = "training steps [default: 2000]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    public Option<int?> TrainCropSize { get; } = new("--crop-size") { Description = "side of the square crops trained on, a multiple of 4 [default: 128]", HelpName = "PX", CustomParser = r => ValueParsers.Int(r) };

    public Option<int?> TrainBatchSize { get; } = new("--batch-size") { Description = "crops per step [default: 1]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    public Option<int?> TrainWidth { get; } = new("--width") { Description = "channels of the network's first layer, 32 to 128 [default: 32]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    public Option<string?> TrainCheckpointFolder { get; } = new("--checkpoint-dir") { Description = "keep the training's state in this folder (every --checkpoint-every steps)", HelpName = "DIR" };

    public Option<int?> TrainCheckpointEvery { get; } = new("--checkpoint-every") { Description = "steps between checkpoints [default: 100]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    public Option<bool> TrainResume { get; } = new("--resume") { Description = "continue the training kept in --checkpoint-dir" };

    public Option<string[]> TrainPreview { get; } = new("--preview")
    {
        Description = "a photo (not one trained on) to see stylised every --preview-every steps, written as NAME.previews/PHOTO-stepN.png beside the output; repeatable",
        HelpName = "PHOTO",
    };

    public Option<int?> TrainPreviewEvery { get; } = new("--preview-every") { Description = "steps between previews [default: 250]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    /// <summary><c>neural-style video INPUT STYLE... -o OUT.mp4</c>.</summary>
    public Command Video { get; }

    public Argument<string> VideoInput { get; } = new("INPUT") { Description = "the clip to stylise (any file ffmpeg reads)" };

    public Argument<string[]> VideoStyles { get; } = new("STYLE") { Description = "one or more artworks whose style is taken (none with --model)", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> VideoModel { get; } = new("--model") { Description = "paint each frame with this trained style (.onnx, from neural-style train) in one pass, steadied along the flow, instead of optimising", HelpName = "MODEL" };

    public Option<double?> VideoBlend { get; } = new("--blend")
    {
        Description = "with --model: how strongly each frame is pulled towards the previous result where the flow is reliable, 0 to 1 [default: 0.8]",
        HelpName = "B",
        CustomParser = r => ValueParsers.Double(r),
    };

    public Option<string> VideoOutput { get; } = new("--output", "-o") { Description = "the video to write (.mp4: H.264, plays everywhere; .webm: VP9)", HelpName = "PATH", Required = true };

    public Option<bool> VideoOverwrite { get; } = new("--overwrite") { Description = "replace the output if it exists" };

    public Option<double?> VideoFrameRate { get; } = new("--fps") { Description = "frames per second of the output (the clip is resampled) [default: the clip's]", HelpName = "RATE", CustomParser = r => ValueParsers.Double(r) };

    public Option<TimeSpan?> VideoFrom { get; } = new("--from") { Description = "where in the clip to start, in seconds or M:SS [default: 0]", HelpName = "TIME", CustomParser = r => ValueParsers.Time(r) };

    public Option<TimeSpan?> VideoDuration { get; } = new("--duration") { Description = "how much of the clip to stylise, in seconds or M:SS [default: to the end]", HelpName = "TIME", CustomParser = r => ValueParsers.Time(r) };

    public Option<int?> VideoIterationsFirst { get; } = new("--iterations-first") { Description = "iterations of the first frame at the output size (coarse to fine, as a still) [default: 50]", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    public Option<double?> VideoTemporalWeight { get; } = new("--temporal-weight")
    {
        Description = "weight of the term that holds each frame to the previous result where the flow is reliable (0: off) [default: 1e9]",
        HelpName = "W",
        CustomParser = r => ValueParsers.Double(r),
    };

    public Option<bool> VideoLongTerm { get; } = new("--long-term") { Description = "also hold each frame to the results 2 and 4 frames back where the previous one does not see it (3x the flow work)" };

    public Option<string?> VideoFramesFolder { get; } = new("--frames-dir") { Description = "where finished frames are kept, for resume and shards [default: OUTPUT.frames]", HelpName = "DIR" };

    public Option<bool> VideoKeepFrames { get; } = new("--keep-frames") { Description = "keep the finished frames after the video is written" };

    public Option<BatchShard?> VideoShard { get; } = new("--shard")
    {
        Description = "stylise only segment I of N (0-based; frames kept in --frames-dir, no video written)",
        HelpName = "I/N",
        CustomParser = ValueParsers.Shard,
    };

    public Option<int?> VideoJoin { get; } = new("--join") { Description = "write the video from the frames of N shards once all are done", HelpName = "N", CustomParser = r => ValueParsers.Int(r) };

    /// <summary><c>neural-style apply MODEL.onnx PHOTO... -o OUT</c>.</summary>
    public Command Apply { get; }

    public Argument<string> ApplyModel { get; } = new("MODEL") { Description = "the trained style (.onnx)" };

    public Argument<string[]> ApplyPhotos { get; } = new("PHOTO") { Description = "one or more photos to stylise", Arity = ArgumentArity.OneOrMore };

    public Option<string> ApplyOutput { get; } = new("--output", "-o") { Description = "the output file (one photo) or folder (several photos)", HelpName = "PATH", Required = true };

    public Option<bool> ApplyOverwrite { get; } = new("--overwrite") { Description = "replace outputs that exist" };

    public Argument<string[]> BatchStyles { get; } = new("STYLE") { Description = "one or more artworks whose style is taken", Arity = ArgumentArity.OneOrMore };

    public Option<string> Inputs { get; } = new("--inputs") { Description = "the folder of photos to stylise (its files, not its subfolders)", HelpName = "DIR", Required = true };

    public Option<string> OutputDirectory { get; } = new("--output-dir") { Description = "where the results go, each with its input's name", HelpName = "DIR", Required = true };

    public Option<ImageFormat?> Format { get; } = new("--format")
    {
        Description = "the results' format [default: png]",
        HelpName = "png|jpg|webp",
        CustomParser = r => ValueParsers.Choice(r, [("png", ImageFormat.Png), ("jpg", ImageFormat.Jpeg), ("jpeg", ImageFormat.Jpeg), ("webp", ImageFormat.Webp)]),
    };

    public Option<BatchShard?> Shard { get; } = new("--shard")
    {
        Description = "take only shard I of N (0-based), by a stable hash of each input's file name",
        HelpName = "I/N",
        CustomParser = ValueParsers.Shard,
    };

    public Argument<string?> Content { get; } = new("CONTENT") { Description = "the photo whose content is kept", Arity = ArgumentArity.ZeroOrOne };

    public Argument<string[]> Styles { get; } = new("STYLE") { Description = "one or more artworks whose style is taken", Arity = ArgumentArity.ZeroOrMore };

    public Option<ComputeDevice?> Device { get; } = new("--device")
    {
        Description = "where to compute (cuda needs a CUDA build of libtorch; the tool bundles the CPU build) [default: cpu]",
        HelpName = "cpu|cuda",
        CustomParser = r => ValueParsers.Choice(r, [("cpu", ComputeDevice.Cpu), ("cuda", ComputeDevice.Cuda)]),
    };

    public Option<string?> Weights { get; } = new("--weights")
    {
        Description = "VGG19 Keras weights file (default: $NEURALSTYLE_VGG19_WEIGHTS, then the user cache, then a download)",
        HelpName = "PATH",
    };

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "libtorch intra-op threads (default: libtorch's choice)",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<bool> Plan { get; } = new("--plan") { Description = "print the run's scales, expected peak memory and time, and whether it fits; run nothing" };

    public Option<int?> SaveEvery { get; } = new("--save-every")
    {
        Description = "also write OUTPUT_0100.png etc. every N iterations (0: never)",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<bool> Json { get; } = new("--json") { Description = "one JSON object per iteration on stdout, then one for the result; no live display" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "no progress output" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "stack traces with errors" };

    public Option<bool> Version { get; } = new("--version") { Description = "show the version" };

    /// <summary>The run option of the catalogue called <paramref name="name"/>, as declared here.</summary>
    public Option OptionFor(string name) => RunOptions.Single(o => o.Entry.Name == name).Option;

    /// <summary>A run option as the command line takes it: <c>--name VALUE</c>, or <c>--name</c> for a flag; its value is parsed when the run's options are made.</summary>
    private static Option Declare(RunOption entry)
    {
        var description = entry.DefaultText is null ? entry.Description : $"{entry.Description} [default: {entry.DefaultText}]";
        var names = entry.Aliases.ToArray();
        if (entry.IsFlag)
        {
            return new Option<bool>("--" + entry.Name, names) { Description = description };
        }

        var option = new Option<string>("--" + entry.Name, names) { Description = description, HelpName = entry.ValueName };
        if (entry.Completions.Count > 0)
        {
            option.CompletionSources.Add(entry.Completions.ToArray());
        }

        return option;
    }

    /// <summary>An unknown option would otherwise be taken for an image path.</summary>
    private static void RejectUnknownOptions(System.CommandLine.Parsing.ArgumentResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value.StartsWith('-'))
            {
                result.AddError($"Unknown option '{token.Value}'.");
                return;
            }
        }
    }
}
