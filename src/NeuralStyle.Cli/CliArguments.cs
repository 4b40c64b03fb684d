using System.CommandLine;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>The parsed command line: the run's options plus what only the tool needs.</summary>
internal sealed record CliArguments(StyleTransferOptions Options, CliSettings Settings)
{
    /// <summary>
    /// Parses the arguments (help and version requests aside). Throws <see cref="ArgumentException"/>
    /// with a one-line message on bad input; the library's own range checks are reported under the
    /// option's name (<see cref="CliErrors"/>).
    /// </summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var command = new CliCommand();
        return From(command, command.Root.Parse(args));
    }

    /// <summary>The run's options and the tool's settings from a parse of <paramref name="command"/>.</summary>
    public static CliArguments From(CliCommand command, ParseResult parse)
    {
        ThrowIfErrors(parse);
        var settings = ToolSettings(command, parse);
        var content = parse.GetValue(command.Content);
        var styles = parse.GetValue(command.Styles) ?? [];
        if (content is null || styles.Length == 0)
        {
            throw new ArgumentException("Give a content image and at least one style image: neural-style CONTENT STYLE [STYLE...] -o OUTPUT.");
        }

        var output = parse.GetValue(command.Output);
        if (output is null && !settings.Plan)
        {
            throw new ArgumentException("Give the output file with -o PATH (.png, .jpg, .jpeg or .webp).");
        }

        return new CliArguments(CliErrors.UnderOptionNames(() => RunOptions(command, parse, content, styles, output)), settings);
    }

    /// <summary>The batch's settings and the options every run of it starts from (content and output are set per input).</summary>
    public static BatchArguments BatchFrom(CliCommand command, ParseResult parse)
    {
        ThrowIfErrors(parse);
        var settings = ToolSettings(command, parse);
        var styles = parse.GetValue(command.BatchStyles) ?? [];
        var template = CliErrors.UnderOptionNames(() => RunOptions(command, parse, null, styles, null));
        return new BatchArguments(
            template,
            settings,
            parse.GetValue(command.Inputs)!,
            parse.GetValue(command.OutputDirectory)!,
            parse.GetValue(command.Format) ?? ImageFormat.Png,
            parse.GetValue(command.Shard) ?? BatchShard.Whole);
    }

    private static void ThrowIfErrors(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException($"{parse.Errors[0].Message} Run neural-style --help.");
        }
    }

    private static CliSettings ToolSettings(CliCommand command, ParseResult parse)
    {
        var settings = new CliSettings
        {
            Quiet = parse.GetValue(command.Quiet),
            Json = parse.GetValue(command.Json),
            Verbose = parse.GetValue(command.Verbose),
            Plan = parse.GetValue(command.Plan),
            Threads = parse.GetValue(command.Threads),
            SaveEvery = parse.GetResult(command.SaveEvery) is null ? 0 : parse.GetValue(command.SaveEvery),
        };
        if (settings.SaveEvery < 0)
        {
            throw new ArgumentException("--save-every needs a number of iterations of at least 0.");
        }

        if (settings.Threads is { } threads && threads < 1)
        {
            throw new ArgumentException($"--threads needs at least 1 thread, not {threads}.");
        }

        return settings;
    }

    private static StyleTransferOptions RunOptions(CliCommand command, ParseResult parse, string? content, string[] styles, string? output)
    {
        var defaults = new StyleTransferOptions();
        var optimizer = parse.GetValue(command.Optimizer) ?? defaults.Optimizer;
        var learningRate = parse.GetValue(command.LearningRate);
        return new StyleTransferOptions
        {
            Content = content is null ? null : ImageInput.FromFile(content),
            Styles = Styles(styles, Given(parse, command.StyleBlend), Given(parse, command.StyleMasks)),
            OutputPath = output,
            OverwriteOutput = parse.GetResult(command.Overwrite) is not null && parse.GetValue(command.Overwrite),
            WeightsPath = parse.GetValue(command.Weights),
            OutputSize = parse.GetValue(command.Size),
            StartSize = parse.GetValue(command.StartSize),
            Iterations = parse.GetValue(command.Iterations),
            Optimizer = optimizer,
            Adam = optimizer == OptimizerKind.Adam && learningRate is { } adamRate ? new AdamSettings { LearningRate = adamRate } : defaults.Adam,
            Lbfgs = new LbfgsSettings
            {
                LearningRate = optimizer == OptimizerKind.Lbfgs && learningRate is { } lbfgsRate ? lbfgsRate : defaults.Lbfgs.LearningRate,
                HistorySize = defaults.Lbfgs.HistorySize,
                SwitchToAdamAfter = parse.GetValue(command.AdamAfter),
            },
            ContentWeight = parse.GetValue(command.ContentWeight),
            StyleWeight = parse.GetValue(command.StyleWeight),
            TotalVariationWeight = parse.GetValue(command.TvWeight),
            TotalVariationNorm = parse.GetValue(command.TvNorm) ?? defaults.TotalVariationNorm,
            ContentLayers = parse.GetValue(command.ContentLayers) ?? defaults.ContentLayers,
            StyleLayers = parse.GetValue(command.StyleLayers) ?? defaults.StyleLayers,
            Initialization = parse.GetValue(command.Init) ?? defaults.Initialization,
            Pooling = parse.GetValue(command.Pooling) ?? defaults.Pooling,
            StyleScale = parse.GetValue(command.StyleScale),
            AveragingDecay = parse.GetValue(command.Average),
            ColorPreservation = parse.GetValue(command.PreserveColors) ?? defaults.ColorPreservation,
            Seed = parse.GetValue(command.Seed),
            Device = parse.GetValue(command.Device) ?? defaults.Device,
            Precision = parse.GetValue(command.Precision) ?? defaults.Precision,
            MaxMemory = parse.GetValue(command.MaxMemory),
            Tiling = parse.GetValue(command.Tile),
            TileSize = parse.GetValue(command.TileSize),
            OutputQuality = parse.GetValue(command.Quality),
            CheckpointPath = Given(parse, command.Checkpoint),
            CheckpointInterval = parse.GetResult(command.CheckpointEvery) is null ? defaults.CheckpointInterval : parse.GetValue(command.CheckpointEvery),
            ResumeFrom = Given(parse, command.Resume),
        };
    }

    /// <summary>The option's value when the command line gives it, else null (System.CommandLine gives an empty array for an absent array option).</summary>
    private static T? Given<T>(ParseResult parse, Option<T?> option)
        where T : class =>
        parse.GetResult(option) is null ? null : parse.GetValue(option);

    /// <summary>The style paths with --style-blend weights and --style-masks masks (one per style, in order).</summary>
    private static IReadOnlyList<StyleImage> Styles(IReadOnlyList<string> paths, double[]? blend, string[]? masks)
    {
        var weights = blend ?? Enumerable.Repeat(1.0, paths.Count).ToArray();
        if (weights.Length != paths.Count)
        {
            throw new ArgumentException($"--style-blend needs one weight per style image: {paths.Count} styles, {weights.Length} weights.");
        }

        if (masks is not null && masks.Length != paths.Count)
        {
            throw new ArgumentException($"--style-masks needs one mask per style image: {paths.Count} styles, {masks.Length} masks.");
        }

        if (weights.Any(w => !(w >= 0) || !double.IsFinite(w)) || !(weights.Sum() > 0))
        {
            throw new ArgumentException("--style-blend weights must be numbers of at least 0, not all 0.");
        }

        return paths.Select((path, i) => new StyleImage(path, weights[i], masks is null ? null : ImageInput.FromFile(masks[i]))).ToArray();
    }
}
