using System.Globalization;
using System.Text.RegularExpressions;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// Every run option the front ends offer, declared once (what decides a run, not where its engine
/// finds the network or which device it computes on; those are the front end's own): the tool makes its <c>--options</c> from
/// these, the web app its form fields, and both report a value's errors in the same words, under the
/// option's name. Options that depend on others come after them (the learning rate after the
/// optimiser, the blend weights after the styles).
/// </summary>
internal sealed class RunOptionCatalogue
{
    private static readonly StyleTransferOptions Defaults = new();
    private static readonly StyleTransferOptions AllNormalized = new() { LossNormalization = LossNormalization.All };

    private static readonly (string Name, OptimizerKind Value)[] Optimizers = [("lbfgs", OptimizerKind.Lbfgs), ("l-bfgs", OptimizerKind.Lbfgs), ("adam", OptimizerKind.Adam)];
    private static readonly (string Name, TotalVariationNorm Value)[] TvNorms = [("mean", TotalVariationNorm.AbsoluteMean), ("sum", TotalVariationNorm.AbsoluteSum)];
    private static readonly (string Name, StyleStatistic Value)[] StyleStatistics = [("gram", StyleStatistic.Gram), ("wasserstein", StyleStatistic.Wasserstein), ("sliced-wasserstein", StyleStatistic.SlicedWasserstein)];
    private static readonly (string Name, LossNormalization Value)[] Normalizations = [("none", LossNormalization.None), ("style", LossNormalization.Style), ("all", LossNormalization.All)];
    private static readonly (string Name, Pooling Value)[] Poolings = [("max", Pooling.Max), ("average", Pooling.Average), ("avg", Pooling.Average)];
    private static readonly (string Name, ColorPreservation Value)[] Colours =
        [("none", ColorPreservation.None), ("match", ColorPreservation.MatchStyleToContent), ("luminance", ColorPreservation.LuminanceOnly)];
    private static readonly (string Name, ComputePrecision Value)[] Precisions =
        [("float32", ComputePrecision.Float32), ("fp32", ComputePrecision.Float32), ("bfloat16", ComputePrecision.BFloat16), ("bf16", ComputePrecision.BFloat16)];

    public RunOptionCatalogue(IReadOnlyList<RunOption> entries) => Entries = entries;

    /// <summary>The library's run options as the tool and the web app offer them.</summary>
    public static RunOptionCatalogue Default { get; } = new(
    [
        Int("size", "longest side of the output in pixels", nameof(StyleTransferOptions.OutputSize), Defaults.OutputSize, (o, v) => o with { OutputSize = v }),
        Int("iterations", "iterations at the output size; smaller scales get more: N·√(size/scale size)", nameof(StyleTransferOptions.Iterations), Defaults.Iterations, (o, v) => o with { Iterations = v }),
        Int("start-size", "first scale of the coarse-to-fine schedule, growing by √2 to size (equal to size: one scale)", nameof(StyleTransferOptions.StartSize), Defaults.StartSize, (o, v) => o with { StartSize = v }),
        Choice("optimizer", "the optimiser", nameof(StyleTransferOptions.Optimizer), Optimizers, Defaults.Optimizer, (o, v) => o with { Optimizer = v }),
        new(
            "learning-rate",
            $"the optimiser's step size (L-BFGS {Text(Defaults.Lbfgs.LearningRate)}, Adam {Text(Defaults.Adam.LearningRate)})",
            "X",
            null,
            OptionFronts.Both,
            nameof(LbfgsSettings.LearningRate),
            (o, v, _) => o.Optimizer == OptimizerKind.Adam
                ? o with { Adam = o.Adam with { LearningRate = OptionValues.Double(v) } }
                : o with { Lbfgs = o.Lbfgs with { LearningRate = OptionValues.Double(v) } }),
        new(
            "adam-after",
            "L-BFGS: after N iterations of a scale, go on with Adam, its moments gathered along the way (long runs get lower sooner)",
            "N",
            null,
            OptionFronts.Both,
            nameof(LbfgsSettings.SwitchToAdamAfter),
            (o, v, _) => o with { Lbfgs = o.Lbfgs with { SwitchToAdamAfter = OptionValues.Int(v) } }),
        Weight("content-weight", $"content loss weight (default: {Text(Defaults.ContentWeight)}; {Text(AllNormalized.ContentWeight)} with --loss-normalization all)", nameof(StyleTransferOptions.ContentWeight), (o, v) => o with { ContentWeight = v }),
        Weight("style-weight", $"style loss weight (default: {Text(Defaults.StyleWeight)} for the default statistic and normalisation; each combination has its own, docs/options.md)", nameof(StyleTransferOptions.StyleWeight), (o, v) => o with { StyleWeight = v }),
        Choice(
            "style-statistic",
            "what the style term compares: Gram matrices, Gaussian fits by the Wasserstein distance, or sorted random projections (sliced Wasserstein); each has its own default style weight (docs/options.md)",
            nameof(StyleTransferOptions.StyleStatistic),
            StyleStatistics,
            Defaults.StyleStatistic,
            (o, v) => o with { StyleStatistic = v }),
        Choice(
            "loss-normalization",
            "which layers' losses are scaled by their own gradient's size: none (mean squared errors), style (the style layers) or all (content too); each has its own default weights (docs/options.md)",
            nameof(StyleTransferOptions.LossNormalization),
            Normalizations,
            Defaults.LossNormalization,
            (o, v) => o with { LossNormalization = v }),
        Double("tv-weight", "total variation weight", nameof(StyleTransferOptions.TotalVariationWeight), Defaults.TotalVariationWeight, (o, v) => o with { TotalVariationWeight = v }),
        Choice(
            "tv-norm",
            "total variation as a mean (weights carry across sizes) or a sum (the TensorFlow tutorial's; use weight 30)",
            nameof(StyleTransferOptions.TotalVariationNorm),
            TvNorms,
            Defaults.TotalVariationNorm,
            (o, v) => o with { TotalVariationNorm = v }),
        Layers("content-layers", "content layers, NAME or NAME:WEIGHT, comma-separated", nameof(StyleTransferOptions.ContentLayers), Defaults.ContentLayers, (o, v) => o with { ContentLayers = v }),
        Layers("style-layers", "style layers, NAME or NAME:WEIGHT, comma-separated", nameof(StyleTransferOptions.StyleLayers), Defaults.StyleLayers, (o, v) => o with { StyleLayers = v }),
        new(
            "init",
            "where the optimisation starts: content, noise or (the tool only) an image file",
            "content|noise|PATH",
            "content",
            OptionFronts.Both,
            nameof(StyleTransferOptions.Initialization),
            (o, v, context) => o with
            {
                Initialization = v.ToLowerInvariant() switch
                {
                    "content" => InitialImage.Content,
                    "noise" => InitialImage.Noise,
                    _ when context.FilesAllowed => InitialImage.From(v),
                    _ => throw new ArgumentException($"must be one of content, noise; it was '{OptionValues.Shown(v)}'."),
                },
            })
        {
            Completions = ["content", "noise"],
        },
        new("style-blend", "blend weights of several styles, comma-separated (normalised; default equal)", "W1,W2,...", null, OptionFronts.Both, null, (o, v, _) => o with { Styles = OptionValues.Blend(o.Styles, v) }),
        new("style-masks", "one mask image per style, comma-separated: white where that style applies", "M1,M2,...", null, OptionFronts.Cli, null, (o, v, _) => o with { Styles = OptionValues.Masks(o.Styles, v) }),
        Choice("pooling", "pooling between VGG19 blocks", nameof(StyleTransferOptions.Pooling), Poolings, Defaults.Pooling, (o, v) => o with { Pooling = v }),
        Double("style-scale", "style size relative to the output (0.5: larger strokes)", nameof(StyleTransferOptions.StyleScale), Defaults.StyleScale, (o, v) => o with { StyleScale = v }),
        Choice(
            "preserve-colors",
            "none, match (recolour the style to the photo's palette first) or luminance (keep the photo's chroma)",
            nameof(StyleTransferOptions.ColorPreservation),
            Colours,
            Defaults.ColorPreservation,
            (o, v) => o with { ColorPreservation = v }),
        Double("average", "iterate averaging decay, e.g. 0.9: output the moving average of the iterates (0: off)", nameof(StyleTransferOptions.AveragingDecay), Defaults.AveragingDecay, (o, v) => o with { AveragingDecay = v }),
        new("seed", "random seed (noise start); the seed used is reported at the end", "N", null, OptionFronts.Both, nameof(StyleTransferOptions.Seed), (o, v, _) => o with { Seed = OptionValues.Int(v) }),
        Choice(
            "precision",
            "number format of the convolutions (bfloat16 is 2-5x faster on CPUs with AVX-512 BF16 or AMX, about 30x slower on CPUs without; an L-BFGS scale that stalls in it finishes in float32)",
            nameof(StyleTransferOptions.Precision),
            Precisions,
            Defaults.Precision,
            (o, v) => o with { Precision = v }),
        new(
            "max-memory",
            "refuse, before any work, a run expected to need more memory than this, e.g. 1.5GB",
            "SIZE",
            "what the machine has available",
            OptionFronts.Cli,
            nameof(StyleTransferOptions.MaxMemory),
            (o, v, _) => o with { MaxMemory = OptionValues.Bytes(v) }),
        new(
            "max-pixels",
            "refuse input images of more pixels (width × height) than this, before they are decoded",
            "N",
            ImageLoadOptions.DefaultMaxPixelCount.ToString(CultureInfo.InvariantCulture),
            OptionFronts.Cli,
            nameof(StyleTransferOptions.ImageLoading),
            (o, v, _) => o with { ImageLoading = new ImageLoadOptions { MaxPixelCount = OptionValues.Long(v), MaxFileBytes = o.ImageLoading.MaxFileBytes, Background = o.ImageLoading.Background } })
        {
            MessageNames = [$"{nameof(ImageLoadOptions)}.{nameof(ImageLoadOptions.MaxPixelCount)}"],
        },
        new(
            "tile",
            "optimise scales that do not fit in the memory limit in overlapping tiles (the whole picture's style; Adam where L-BFGS's history would leave room for smaller tiles only)",
            null,
            null,
            OptionFronts.Cli,
            nameof(StyleTransferOptions.Tiling),
            (o, _, _) => o with { Tiling = true }),
        new(
            "tile-size",
            "optimise every scale larger than N px in tiles of N px (overlap included), whatever the memory",
            "N",
            null,
            OptionFronts.Cli,
            nameof(StyleTransferOptions.TileSize),
            (o, v, _) => o with { TileSize = OptionValues.Int(v) }),
        Int("quality", "JPEG/WebP quality 1-100", nameof(StyleTransferOptions.OutputQuality), Defaults.OutputQuality, (o, v) => o with { OutputQuality = v }, OptionFronts.Cli),
        new("output", "where to write the result (.png, .jpg, .jpeg, .webp)", "PATH", null, OptionFronts.Cli, nameof(StyleTransferOptions.OutputPath), (o, v, _) => o with { OutputPath = v })
        {
            Aliases = ["-o"],
            SingleRunOnly = true,
        },
        new("overwrite", "replace an existing output file", null, null, OptionFronts.Cli, nameof(StyleTransferOptions.OverwriteOutput), (o, _, _) => o with { OverwriteOutput = true })
        {
            SingleRunOnly = true,
        },
        new(
            "checkpoint",
            "keep the run's state in this file (written atomically every checkpoint-every iterations), for resume",
            "PATH",
            null,
            OptionFronts.Cli,
            nameof(StyleTransferOptions.CheckpointPath),
            (o, v, _) => o with { CheckpointPath = v })
        {
            SingleRunOnly = true,
        },
        Int("checkpoint-every", "iterations between checkpoints", nameof(StyleTransferOptions.CheckpointInterval), Defaults.CheckpointInterval, (o, v) => o with { CheckpointInterval = v }, OptionFronts.Cli) with
        {
            SingleRunOnly = true,
        },
        new(
            "resume",
            "continue an interrupted run from its checkpoint (same images and options; the result is the uninterrupted run's)",
            "PATH",
            null,
            OptionFronts.Cli,
            nameof(StyleTransferOptions.ResumeFrom),
            (o, v, _) => o with { ResumeFrom = v })
        {
            SingleRunOnly = true,
        },
    ]);

    /// <summary>The options, in the order they are applied.</summary>
    public IReadOnlyList<RunOption> Entries { get; }

    /// <summary>The options a front end offers.</summary>
    public IEnumerable<RunOption> For(OptionFronts front) => Entries.Where(e => e.Fronts.HasFlag(front));

    /// <summary>
    /// The first line of an error's message, without .NET's " (Parameter 'X')" suffix, and with every
    /// library name of an option that <paramref name="front"/> offers (its property, or another name
    /// in <see cref="RunOption.MessageNames"/>) replaced by that option's name as the front end spells
    /// it: "OutputSize must be …" becomes "--size must be …" or "size must be …".
    /// </summary>
    public string Message(Exception ex, Func<RunOption, string> spell, OptionFronts front)
    {
        if (ex is RunOptionException refused)
        {
            return $"{spell(refused.Option)} {refused.Detail}";
        }

        var message = WithoutParameter(ex);
        foreach (var option in For(front))
        {
            foreach (var name in option.MessageNames.Prepend(option.Property ?? string.Empty).Where(n => n.Length > 0))
            {
                message = Regex.Replace(message, $@"(?<![\w.])(?:{nameof(StyleTransferOptions)}\.)?{Regex.Escape(name)}(?!\w)", spell(option).Replace("$", "$$", StringComparison.Ordinal), RegexOptions.CultureInvariant);
            }
        }

        return message;
    }

    /// <summary>What an argument error says about a value, without the name of the property it names first (if any) and without .NET's suffix.</summary>
    internal static string Detail(ArgumentException ex)
    {
        var message = WithoutParameter(ex);
        return ex.ParamName is { } name && message.StartsWith(name + " ", StringComparison.Ordinal) ? message[(name.Length + 1)..] : message;
    }

    private static string WithoutParameter(Exception ex)
    {
        var text = ex.Message;
        var end = text.IndexOfAny(['\r', '\n']);
        var message = (end < 0 ? text : text[..end]).TrimEnd();
        if (ex is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message;
    }

    private static RunOption Int(string name, string description, string property, int defaultValue, Func<StyleTransferOptions, int, StyleTransferOptions> set, OptionFronts fronts = OptionFronts.Both) =>
        new(name, description, "N", Text(defaultValue), fronts, property, (o, v, _) => set(o, OptionValues.Int(v)));

    private static RunOption Double(string name, string description, string property, double defaultValue, Func<StyleTransferOptions, double, StyleTransferOptions> set) =>
        new(name, description, "X", Text(defaultValue), OptionFronts.Both, property, (o, v, _) => set(o, OptionValues.Double(v)));

    /// <summary>A loss weight: its default follows the statistic and the normalisation, so the description gives it rather than one value.</summary>
    private static RunOption Weight(string name, string description, string property, Func<StyleTransferOptions, double, StyleTransferOptions> set) =>
        new(name, description, "X", null, OptionFronts.Both, property, (o, v, _) => set(o, OptionValues.Double(v)));

    private static RunOption Layers(string name, string description, string property, IReadOnlyList<LayerWeight> defaultValue, Func<StyleTransferOptions, IReadOnlyList<LayerWeight>, StyleTransferOptions> set) =>
        new(name, description, "LIST", string.Join(',', defaultValue.Select(l => $"{l.Layer}:{Text(l.Weight)}")), OptionFronts.Both, property, (o, v, _) => set(o, OptionValues.Layers(v)));

    private static RunOption Choice<T>(string name, string description, string property, (string Name, T Value)[] choices, T defaultValue, Func<StyleTransferOptions, T, StyleTransferOptions> set, OptionFronts fronts = OptionFronts.Both)
        where T : struct, Enum =>
        new(name, description, string.Join('|', choices.Select(c => c.Name).Distinct()), choices.First(c => c.Value.Equals(defaultValue)).Name, fronts, property, (o, v, _) => set(o, OptionValues.Choice(v, choices)))
        {
            Completions = choices.Select(c => c.Name).Distinct().ToArray(),
        };

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
