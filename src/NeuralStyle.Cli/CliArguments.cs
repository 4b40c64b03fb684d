using System.Globalization;

namespace NeuralStyle.Cli;

/// <summary>The parsed command line: the run's options plus what only the tool needs.</summary>
internal sealed record CliArguments(StyleTransferOptions Options, CliSettings Settings)
{
    /// <summary>
    /// Parses the arguments. Throws <see cref="ArgumentException"/> with a one-line message on bad
    /// input (the options' own range checks name the setting).
    /// </summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var values = new Dictionary<string, string>();
        var settings = new CliSettings();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help": settings = settings with { ShowHelp = true }; break;
                case "--version": settings = settings with { ShowVersion = true }; break;
                case "-q" or "--quiet": settings = settings with { Quiet = true }; break;
                case "--json": settings = settings with { Json = true }; break;
                case "--verbose": settings = settings with { Verbose = true }; break;
                case "--overwrite": values[arg] = "true"; break;
                case "-o": values["--output"] = Next(args, ref i); break;
                case "--output" or "--size" or "--iterations" or "--optimizer" or "--learning-rate" or "--weights"
                    or "--content-weight" or "--style-weight" or "--tv-weight" or "--content-layers" or "--style-layers"
                    or "--init" or "--seed" or "--device" or "--threads" or "--quality" or "--save-every"
                    or "--style-scale" or "--preserve-colors" or "--average" or "--style-blend" or "--style-masks"
                    or "--start-size" or "--pooling" or "--tv-norm" or "--precision":
                    values[arg] = Next(args, ref i);
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new ArgumentException($"Unknown option '{arg}'. Run neural-style --help.");
                    }

                    positional.Add(arg);
                    break;
            }
        }

        if (settings.ShowHelp || settings.ShowVersion)
        {
            return new CliArguments(new StyleTransferOptions(), settings);
        }

        if (positional.Count < 2)
        {
            throw new ArgumentException("Give a content image and at least one style image: neural-style CONTENT STYLE [STYLE...] -o OUTPUT.");
        }

        if (!values.TryGetValue("--output", out var output))
        {
            throw new ArgumentException("Give the output file with -o PATH (.png, .jpg, .jpeg or .webp).");
        }

        var defaults = new StyleTransferOptions();
        var optimizer = Get(values, "--optimizer", ParseOptimizer, defaults.Optimizer);
        var learningRate = Get<double?>(values, "--learning-rate", v => Double("--learning-rate", v), null);
        var options = new StyleTransferOptions
        {
            Content = positional[0],
            Styles = Styles(positional.Skip(1).ToArray(), values),
            StartSize = Get(values, "--start-size", v => Int("--start-size", v), defaults.StartSize),
            Pooling = Get(values, "--pooling", ParsePooling, defaults.Pooling),
            Precision = Get(values, "--precision", ParsePrecision, defaults.Precision),
            TotalVariationNorm = Get(values, "--tv-norm", ParseTotalVariationNorm, defaults.TotalVariationNorm),
            OutputPath = output,
            OverwriteOutput = values.ContainsKey("--overwrite"),
            WeightsPath = values.GetValueOrDefault("--weights"),
            OutputSize = Get(values, "--size", v => Int("--size", v), defaults.OutputSize),
            Iterations = Get(values, "--iterations", v => Int("--iterations", v), defaults.Iterations),
            Optimizer = optimizer,
            Adam = optimizer == OptimizerKind.Adam && learningRate is { } adamRate ? new AdamSettings { LearningRate = adamRate } : defaults.Adam,
            Lbfgs = optimizer == OptimizerKind.Lbfgs && learningRate is { } lbfgsRate ? new LbfgsSettings { LearningRate = lbfgsRate } : defaults.Lbfgs,
            ContentWeight = Get(values, "--content-weight", v => Double("--content-weight", v), defaults.ContentWeight),
            StyleWeight = Get(values, "--style-weight", v => Double("--style-weight", v), defaults.StyleWeight),
            TotalVariationWeight = Get(values, "--tv-weight", v => Double("--tv-weight", v), defaults.TotalVariationWeight),
            ContentLayers = Get(values, "--content-layers", v => Layers("--content-layers", v), defaults.ContentLayers),
            StyleLayers = Get(values, "--style-layers", v => Layers("--style-layers", v), defaults.StyleLayers),
            Initialization = Get(values, "--init", ParseInit, defaults.Initialization),
            StyleScale = Get(values, "--style-scale", v => Double("--style-scale", v), defaults.StyleScale),
            AveragingDecay = Get(values, "--average", v => Double("--average", v), defaults.AveragingDecay),
            ColorPreservation = Get(values, "--preserve-colors", ParseColorPreservation, defaults.ColorPreservation),
            Seed = Get<int?>(values, "--seed", v => Int("--seed", v), null),
            Device = Get(values, "--device", ParseDevice, defaults.Device),
            Threads = Get<int?>(values, "--threads", v => Int("--threads", v), null),
            OutputQuality = Get(values, "--quality", v => Int("--quality", v), defaults.OutputQuality),
        };

        var saveEvery = Get(values, "--save-every", v => Int("--save-every", v), 0);
        if (saveEvery < 0)
        {
            throw new ArgumentException("--save-every needs a number of iterations of at least 0.");
        }

        return new CliArguments(options, settings with { SaveEvery = saveEvery });
    }

    private static string Next(IReadOnlyList<string> args, ref int i) =>
        i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");

    private static T Get<T>(Dictionary<string, string> values, string option, Func<string, T> parse, T fallback) =>
        values.TryGetValue(option, out var value) ? parse(value) : fallback;

    private static OptimizerKind ParseOptimizer(string value) => value.ToLowerInvariant() switch
    {
        "adam" => OptimizerKind.Adam,
        "lbfgs" or "l-bfgs" => OptimizerKind.Lbfgs,
        _ => throw new ArgumentException($"--optimizer must be adam or lbfgs, not '{value}'."),
    };

    /// <summary>The style paths with --style-blend weights and --style-masks masks (one per style, comma-separated).</summary>
    private static IReadOnlyList<StyleImage> Styles(IReadOnlyList<string> paths, Dictionary<string, string> values)
    {
        var weights = values.TryGetValue("--style-blend", out var blend)
            ? blend.Split(',', StringSplitOptions.TrimEntries).Select(w => Double("--style-blend", w)).ToArray()
            : Enumerable.Repeat(1.0, paths.Count).ToArray();
        var masks = values.TryGetValue("--style-masks", out var maskList)
            ? maskList.Split(',', StringSplitOptions.TrimEntries)
            : null;
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

    private static Pooling ParsePooling(string value) => value.ToLowerInvariant() switch
    {
        "max" => Pooling.Max,
        "average" or "avg" => Pooling.Average,
        _ => throw new ArgumentException($"--pooling must be max or average, not '{value}'."),
    };

    private static ComputePrecision ParsePrecision(string value) => value.ToLowerInvariant() switch
    {
        "float32" or "fp32" => ComputePrecision.Float32,
        "bfloat16" or "bf16" => ComputePrecision.BFloat16,
        _ => throw new ArgumentException($"--precision must be float32 or bfloat16, not '{value}'."),
    };

    private static TotalVariationNorm ParseTotalVariationNorm(string value) => value.ToLowerInvariant() switch
    {
        "mean" => TotalVariationNorm.AbsoluteMean,
        "sum" => TotalVariationNorm.AbsoluteSum,
        _ => throw new ArgumentException($"--tv-norm must be mean or sum, not '{value}'."),
    };

    private static ComputeDevice ParseDevice(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => ComputeDevice.Cpu,
        "cuda" => ComputeDevice.Cuda,
        _ => throw new ArgumentException($"--device must be cpu or cuda, not '{value}'."),
    };

    private static ColorPreservation ParseColorPreservation(string value) => value.ToLowerInvariant() switch
    {
        "none" => ColorPreservation.None,
        "match" => ColorPreservation.MatchStyleToContent,
        "luminance" => ColorPreservation.LuminanceOnly,
        _ => throw new ArgumentException($"--preserve-colors must be none, match or luminance, not '{value}'."),
    };

    private static InitialImage ParseInit(string value) => value.ToLowerInvariant() switch
    {
        "content" => InitialImage.Content,
        "noise" => InitialImage.Noise,
        _ => InitialImage.From(value),
    };

    /// <summary>"block1_conv1,block2_conv1:0.5" → layers with weights (1 when not given).</summary>
    private static IReadOnlyList<LayerWeight> Layers(string option, string value)
    {
        var layers = new List<LayerWeight>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            layers.Add(pieces.Length switch
            {
                1 => new LayerWeight(pieces[0]),
                2 => new LayerWeight(pieces[0], Double(option, pieces[1])),
                _ => throw new ArgumentException($"{option} takes NAME or NAME:WEIGHT items separated by commas, not '{part}'."),
            });
        }

        return layers;
    }

    private static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{option} needs a whole number, not '{value}'.");

    private static double Double(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new ArgumentException($"{option} needs a number, not '{value}'.");
}
