namespace NeuralStyle;

/// <summary>
/// A run's peak resident memory, modelled as
/// <c>base + k · feature-map bytes + h · L-BFGS history bytes</c> (+ Adam's moments, the iterate average):
/// <list type="bullet">
/// <item>the feature maps one step keeps for its backward pass (<see cref="NetworkFootprint"/>, in the
/// precision's bytes) times k, for what libtorch and oneDNN allocate beside them (gradients flowing
/// back, convolution workspaces, max pooling's indices, the allocator's slack);</item>
/// <item>L-BFGS's curvature pairs, two image-sized float32 vectors per iteration up to the history
/// size, times h: the pairs are kept while each iteration's buffers come and go around them, so the
/// heap grows by more than their own size;</item>
/// <item>the process base: the runtime, libtorch, the network's weights, the inputs.</item>
/// </list>
/// base and k of each precision are fitted to peak RSS of 3-iteration single-scale runs at 256, 512,
/// 1024 and 1536 px, and h to two runs whose history fills up (<c>bench --memory</c>; docs/large-images.md
/// has the measurements and the model's error). Measured with <see cref="ProcessTuning.TuneNativeAllocator"/>
/// in effect, as the CLI runs; without it glibc returns large buffers sooner, so the model errs high.
/// </summary>
internal static class MemoryModel
{
    /// <summary>The whole-image float32 vectors a tiled scale holds besides its optimiser's state (see <see cref="TiledPeakBytes"/>).</summary>
    private const int TiledImageVectors = 7;

    /// <summary>Bytes allocated per byte a forward pass without gradients holds (convolution workspaces, the allocator's slack). Fitted.</summary>
    private const double MeasuringFactor = 1.4;

    /// <summary>The heap growth per byte of L-BFGS history kept. Fitted.</summary>
    private const double HistoryFactor = 3.0;

    /// <summary>The process before any scale runs: the runtime, libtorch, the network's weights, the inputs. Fitted.</summary>
    public static long BaseBytes(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? 620_000_000 : 630_000_000;

    /// <summary>Bytes allocated per byte of kept feature maps. Fitted.</summary>
    public static double ActivationFactor(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? 2.22 : 2.20;

    /// <summary>The peak resident bytes of a process running one scale of <paramref name="width"/> × <paramref name="height"/> for <paramref name="iterations"/> iterations.</summary>
    public static long PeakBytes(StyleTransferOptions options, int width, int height, int iterations) =>
        BaseBytes(options.Precision) + ScaleBytes(options, width, height, iterations);

    /// <summary>What one scale adds to the process: its feature maps and its optimiser state.</summary>
    public static long ScaleBytes(StyleTransferOptions options, int width, int height, int iterations)
    {
        var elementBytes = options.Precision == ComputePrecision.BFloat16 ? 2 : 4;
        var featureBytes = NetworkFootprint.ActivationElements(height, width, options.Optimization.DeepestLayer) * elementBytes;
        return (long)(ActivationFactor(options.Precision) * featureBytes) + OptimizerBytes(options, width, height, iterations);
    }

    /// <summary>
    /// The peak resident bytes of a process optimising one <paramref name="width"/> × <paramref name="height"/>
    /// scale in tiles of <paramref name="tileSize"/> (<see cref="TiledObjective"/>): one tile's feature
    /// maps at a time (as for a whole image of the tile's size), the whole image's float32 vectors
    /// (image, gradient, best image, the content, the previous scale's result and its upscaled copy,
    /// the optimiser's state as for a whole scale), and each tile's content targets, Gram matrices and
    /// blending weights. Nothing
    /// here is fitted to tiled runs: the whole-image factors carry over, and the estimate errs a little
    /// high against the peaks <c>bench --memory tiled</c> measures (docs/large-images.md).
    /// </summary>
    public static long TiledPeakBytes(StyleTransferOptions options, int width, int height, int iterations, int tileSize)
    {
        var tileWidth = Math.Min(tileSize, width);
        var tileHeight = Math.Min(tileSize, height);
        var overlap = TiledObjective.Overlap(tileSize);
        long tiles = (long)TileGrid.Count(width, tileSize, overlap) * TileGrid.Count(height, tileSize, overlap);
        var elementBytes = options.Precision == ComputePrecision.BFloat16 ? 2 : 4;
        var deepest = options.Optimization.DeepestLayer;
        var tileFeatures = (long)(ActivationFactor(options.Precision) * NetworkFootprint.ActivationElements(tileHeight, tileWidth, deepest) * elementBytes);
        var imageVectors = (TiledImageVectors * 3L * width * height * sizeof(float)) + OptimizerBytes(options, width, height, iterations);
        var perTile = (NetworkFootprint.LayerElements(tileHeight, tileWidth, options.ContentLayers.Select(l => l.Layer)) * sizeof(float))
            + (options.StyleLayers.Sum(l => Channels(l.Layer) * Channels(l.Layer)) * sizeof(float))
            + ((long)tileWidth * tileHeight * sizeof(float));
        return BaseBytes(options.Precision) + tileFeatures + imageVectors + (tiles * perTile);
    }

    /// <summary>
    /// The peak resident bytes while a scale's targets are measured, before its first step: the
    /// content's features at every layer the terms read (kept for the content targets and the masks'
    /// sizes), every style image at this scale as float32, the masks, and a forward pass without
    /// gradients over one style at a time (<see cref="NetworkFootprint.ForwardPeakElements"/>), whole
    /// or, in a tiled scale, in <see cref="TiledObjective.StyleTile"/> tiles. A very elongated or
    /// enlarged style (<see cref="StyleTransferOptions.StyleScale"/>) costs its memory here.
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="width">The scale's width in pixels.</param>
    /// <param name="height">The scale's height in pixels.</param>
    /// <param name="styles">Each style image's size at this scale.</param>
    /// <param name="tileSize">The scale's tile size, or null when it is optimised whole.</param>
    public static long MeasuringPeakBytes(StyleTransferOptions options, int width, int height, IReadOnlyList<(int Width, int Height)> styles, int? tileSize)
    {
        var elementBytes = options.Precision == ComputePrecision.BFloat16 ? 2 : 4;
        var styleLayers = options.StyleLayers.Select(l => l.Layer).ToArray();
        var (contentWidth, contentHeight) = tileSize is { } tile ? (Math.Min(tile, width), Math.Min(tile, height)) : (width, height);
        var contentFeatures = NetworkFootprint.LayerElements(contentHeight, contentWidth, options.Optimization.AllLayers) * elementBytes;
        var styleImages = styles.Sum(s => 3L * s.Width * s.Height * sizeof(float));
        var masks = options.Styles.Count(s => s.Mask is not null) * 2L * width * height * sizeof(float);
        var forward = styles.Max(s =>
        {
            var (w, h) = tileSize is { } t ? (Math.Min(TiledObjective.StyleTile(t), s.Width), Math.Min(TiledObjective.StyleTile(t), s.Height)) : s;
            return NetworkFootprint.ForwardPeakElements(h, w, styleLayers) * elementBytes;
        });
        return BaseBytes(options.Precision) + contentFeatures + styleImages + masks + (long)(MeasuringFactor * forward);
    }

    /// <summary>
    /// The peak of a bfloat16 scale that finishes in float32 (<see cref="PlannedScale.MayFinishInFloat32"/>):
    /// the float32 scale's, with the bfloat16 network's weights still loaded beside the float32 one's.
    /// </summary>
    public static long Float32FinishPeakBytes(StyleTransferOptions options, int width, int height, int iterations)
    {
        var deepest = Vgg19Architecture.IndexOf(options.Optimization.DeepestLayer);
        var bfloat16Weights = Vgg19Architecture.Layers.Take(deepest + 1).Sum(l => ((9L * l.InChannels) + 1) * l.OutChannels) * 2;
        return PeakBytes(options with { Precision = ComputePrecision.Float32 }, width, height, iterations) + bfloat16Weights;
    }

    /// <summary>
    /// The optimiser's state beyond what the fit holds: L-BFGS's pairs (two image-sized float32 vectors
    /// per iteration, up to the history size) times <see cref="HistoryFactor"/>, and Adam's two
    /// moments where Adam runs or takes over; one more vector for the iterate average.
    /// </summary>
    public static long OptimizerBytes(StyleTransferOptions options, int width, int height, int iterations)
    {
        var vector = 3L * width * height * sizeof(float);
        var lbfgs = options.Optimizer == OptimizerKind.Lbfgs
            ? (long)(HistoryFactor * 2 * Math.Min(iterations, options.Lbfgs.HistorySize) * vector)
            : 0;
        var adam = options.Optimizer == OptimizerKind.Adam || options.Lbfgs.SwitchToAdamAfter is not null ? 2 * vector : 0;
        return lbfgs + adam + (options.AveragingDecay > 0 ? vector : 0);
    }

    private static long Channels(string layer) => Vgg19Architecture.Layers[Vgg19Architecture.IndexOf(layer)].OutChannels;
}
