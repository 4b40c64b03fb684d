using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// The command line, declared once: System.CommandLine parses it (POSIX and Windows forms,
/// <c>--opt=value</c>, response files <c>@file</c>) and writes the help from these declarations.
/// Defaults shown in the help are the library's.
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

    private static readonly StyleTransferOptions Defaults = new();

    private const string BatchDescription = """
        Stylise every image of a folder into another folder, with one loaded network for the whole batch.

        An output that exists already is skipped, so running the same command again after a crash does only
        what is left. An input that cannot be read is reported and skipped. --shard I/N takes the inputs
        whose file name hashes to shard I of N, so N processes on N machines split one batch without
        coordination (docs/scaling.md).

        Exit codes: 0 every input done (or already there), 3 some inputs failed (the rest are done),
        1 bad arguments, 2 failure at run time, 130 cancelled.
        """;

    public CliCommand()
    {
        Root = new RootCommand(Description);
        Root.Options.Remove(Root.Options.OfType<VersionOption>().Single()); // --version prints the library's version, below.
        foreach (var argument in new Argument[] { Content, Styles })
        {
            Root.Arguments.Add(argument);
            argument.Validators.Add(RejectUnknownOptions);
        }

        // The run's settings apply to the single run and to every run of a batch.
        foreach (var option in new Option[]
                 {
                     Size, Iterations, StartSize, Optimizer, LearningRate, AdamAfter, ContentWeight, StyleWeight, TvWeight, TvNorm,
                     ContentLayers, StyleLayers, Init, StyleBlend, StyleMasks, Pooling, StyleScale, PreserveColors, Average, Seed,
                     Device, Precision, MaxMemory, Tile, TileSize, Threads, Weights, Quality, Json, Quiet, Verbose,
                 })
        {
            option.Recursive = true;
            Root.Options.Add(option);
        }

        foreach (var option in new Option[] { Output, SaveEvery, Overwrite, Checkpoint, CheckpointEvery, Resume, Plan, Version })
        {
            Root.Options.Add(option);
        }

        Batch = new Command("batch", BatchDescription) { BatchStyles, Inputs, OutputDirectory, Format, Shard };
        BatchStyles.Validators.Add(RejectUnknownOptions);
        Root.Subcommands.Add(Batch);

        // CliApp dispatches on the parse result itself; an action on each command tells the parser
        // that the root runs without a subcommand.
        Root.SetAction(_ => CliApp.Success);
        Batch.SetAction(_ => CliApp.Success);
    }

    public RootCommand Root { get; }

    /// <summary><c>neural-style batch STYLE [STYLE…] --inputs DIR --output-dir DIR</c>.</summary>
    public Command Batch { get; }

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

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "where to write the result (.png, .jpg, .jpeg, .webp)", HelpName = "PATH" };

    public Option<int> Size { get; } = IntOption("--size", "longest side of the output in pixels", Defaults.OutputSize);

    public Option<int> Iterations { get; } = IntOption("--iterations", "iterations at the output size; smaller scales get more: N·√(size/scale size)", Defaults.Iterations);

    public Option<int> StartSize { get; } = IntOption("--start-size", "first scale of the coarse-to-fine schedule, growing by √2 to --size (equal to --size: one scale)", Defaults.StartSize);

    public Option<OptimizerKind?> Optimizer { get; } = ChoiceOption(
        "--optimizer", "the optimiser", Defaults.Optimizer, ("lbfgs", OptimizerKind.Lbfgs), ("l-bfgs", OptimizerKind.Lbfgs), ("adam", OptimizerKind.Adam));

    public Option<double?> LearningRate { get; } = new("--learning-rate")
    {
        Description = $"the optimiser's step size (L-BFGS {Defaults.Lbfgs.LearningRate}, Adam {Defaults.Adam.LearningRate})",
        HelpName = "X",
        CustomParser = r => ValueParsers.Double(r),
    };

    public Option<int?> AdamAfter { get; } = new("--adam-after")
    {
        Description = "L-BFGS: after N iterations of a scale, go on with Adam, its moments gathered along the way (long runs get lower sooner)",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<double> ContentWeight { get; } = DoubleOption("--content-weight", "content loss weight", Defaults.ContentWeight);

    public Option<double> StyleWeight { get; } = DoubleOption("--style-weight", "style loss weight", Defaults.StyleWeight);

    public Option<double> TvWeight { get; } = DoubleOption("--tv-weight", "total variation weight", Defaults.TotalVariationWeight);

    public Option<TotalVariationNorm?> TvNorm { get; } = ChoiceOption(
        "--tv-norm",
        "total variation as a mean (weights carry across sizes) or a sum (the TensorFlow tutorial's; use weight 30)",
        Defaults.TotalVariationNorm,
        ("mean", TotalVariationNorm.AbsoluteMean),
        ("sum", TotalVariationNorm.AbsoluteSum));

    public Option<IReadOnlyList<LayerWeight>?> ContentLayers { get; } = LayersOption("--content-layers", "content layers, NAME or NAME:WEIGHT, comma-separated", Defaults.ContentLayers);

    public Option<IReadOnlyList<LayerWeight>?> StyleLayers { get; } = LayersOption("--style-layers", "style layers, NAME or NAME:WEIGHT, comma-separated", Defaults.StyleLayers);

    public Option<InitialImage?> Init { get; } = new("--init")
    {
        Description = "where the optimisation starts: content, noise or an image file [default: content]",
        HelpName = "content|noise|PATH",
        CustomParser = r => ValueParsers.Initialization(r.Tokens[0].Value),
    };

    public Option<double[]?> StyleBlend { get; } = new("--style-blend")
    {
        Description = "blend weights of several styles, comma-separated (normalised; default equal)",
        HelpName = "W1,W2,...",
        CustomParser = ValueParsers.Doubles,
    };

    public Option<string[]?> StyleMasks { get; } = new("--style-masks")
    {
        Description = "one mask image per style, comma-separated: white where that style applies",
        HelpName = "M1,M2,...",
        CustomParser = r => r.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries),
    };

    public Option<Pooling?> Pooling { get; } = ChoiceOption(
        "--pooling", "pooling between VGG19 blocks", Defaults.Pooling, ("max", NeuralStyle.Pooling.Max), ("average", NeuralStyle.Pooling.Average), ("avg", NeuralStyle.Pooling.Average));

    public Option<double> StyleScale { get; } = DoubleOption("--style-scale", "style size relative to the output (0.5: larger strokes)", Defaults.StyleScale);

    public Option<ColorPreservation?> PreserveColors { get; } = ChoiceOption(
        "--preserve-colors",
        "none, match (recolour the style to the photo's palette first) or luminance (keep the photo's chroma)",
        Defaults.ColorPreservation,
        ("none", ColorPreservation.None),
        ("match", ColorPreservation.MatchStyleToContent),
        ("luminance", ColorPreservation.LuminanceOnly));

    public Option<double> Average { get; } = DoubleOption("--average", "iterate averaging decay, e.g. 0.9: output the moving average of the iterates (0: off)", Defaults.AveragingDecay);

    public Option<int?> Seed { get; } = new("--seed")
    {
        Description = "random seed (noise start); the seed used is reported at the end",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<ComputeDevice?> Device { get; } = ChoiceOption(
        "--device", "where to compute (cuda needs a CUDA build of libtorch; this tool bundles the CPU build)", Defaults.Device, ("cpu", ComputeDevice.Cpu), ("cuda", ComputeDevice.Cuda));

    public Option<ComputePrecision?> Precision { get; } = ChoiceOption(
        "--precision",
        "number format of the convolutions (bfloat16 is 2-5x faster on CPUs with AVX-512 BF16 or AMX, about 30x slower on CPUs without; an L-BFGS scale that stalls in it finishes in float32)",
        Defaults.Precision,
        ("float32", ComputePrecision.Float32),
        ("fp32", ComputePrecision.Float32),
        ("bfloat16", ComputePrecision.BFloat16),
        ("bf16", ComputePrecision.BFloat16));

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "libtorch intra-op threads (default: libtorch's choice)",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<long?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "refuse, before any work, a run expected to need more memory than this, e.g. 1.5GB [default: what the machine has available]",
        HelpName = "SIZE",
        CustomParser = ValueParsers.Bytes,
    };

    public Option<bool> Tile { get; } = new("--tile") { Description = "optimise scales that do not fit in the memory limit in overlapping tiles (Adam; the whole picture's style)" };

    public Option<int?> TileSize { get; } = new("--tile-size")
    {
        Description = "optimise every scale larger than N px in tiles of N px (overlap included), whatever the memory",
        HelpName = "N",
        CustomParser = r => ValueParsers.Int(r),
    };

    public Option<bool> Plan { get; } = new("--plan") { Description = "print the run's scales, expected peak memory and time, and whether it fits; run nothing" };

    public Option<string?> Weights { get; } = new("--weights")
    {
        Description = "VGG19 Keras weights file (default: $NEURALSTYLE_VGG19_WEIGHTS, then the user cache, then a download)",
        HelpName = "PATH",
    };

    public Option<int> Quality { get; } = IntOption("--quality", "JPEG/WebP quality 1-100", Defaults.OutputQuality);

    public Option<int> SaveEvery { get; } = IntOption("--save-every", "also write OUTPUT_0100.png etc. every N iterations (0: never)", 0);

    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "replace an existing output file" };

    public Option<string?> Checkpoint { get; } = new("--checkpoint")
    {
        Description = "keep the run's state in this file (written atomically every --checkpoint-every iterations), for --resume",
        HelpName = "PATH",
    };

    public Option<int> CheckpointEvery { get; } = IntOption("--checkpoint-every", "iterations between checkpoints", Defaults.CheckpointInterval);

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "continue an interrupted run from its checkpoint (same images and options; the result is the uninterrupted run's)",
        HelpName = "PATH",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "one JSON object per iteration on stdout, then one for the result; no live display" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "no progress output" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "stack traces with errors" };

    public Option<bool> Version { get; } = new("--version") { Description = "show the version" };

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

    private static Option<int> IntOption(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ValueParsers.Int(r) ?? defaultValue,
    };

    private static Option<double> DoubleOption(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ValueParsers.Double(r) ?? defaultValue,
    };

    private static Option<IReadOnlyList<LayerWeight>?> LayersOption(string name, string description, IReadOnlyList<LayerWeight> defaultValue) => new(name)
    {
        Description = $"{description} [default: {string.Join(',', defaultValue.Select(l => FormattableString.Invariant($"{l.Layer}:{l.Weight}")))}]",
        HelpName = "LIST",
        CustomParser = ValueParsers.Layers,
    };

    /// <summary>An option that takes one of a few names; its default is shown by name.</summary>
    private static Option<T?> ChoiceOption<T>(string name, string description, T defaultValue, params (string Name, T Value)[] choices)
        where T : struct, Enum
    {
        var option = new Option<T?>(name)
        {
            Description = $"{description} [default: {choices.First(c => c.Value.Equals(defaultValue)).Name}]",
            HelpName = string.Join('|', choices.Select(c => c.Name).Distinct()),
            CustomParser = r => ValueParsers.Choice(r, choices),
        };
        option.CompletionSources.Add(choices.Select(c => c.Name).ToArray());
        return option;
    }
}
