using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// What a run will cost before it starts: its scales (coarse to fine), the process's expected peak
/// memory, and its expected time. The memory comes from a model of VGG19's feature maps and the
/// optimiser's state, calibrated against measured peaks (within ±20 % at 256–1536 px in both
/// precisions on the reference machine; docs/large-images.md). Runs check it against
/// <see cref="StyleTransferOptions.MaxMemory"/> before any work.
/// </summary>
public sealed class RunPlan
{
    /// <summary>Floating-point operations per second of a whole iteration on the reference CPU (2 cores, AVX-512 with BF16), float32 and bfloat16.</summary>
    private const double ReferenceFloat32FlopsPerSecond = 184e9;
    private const double ReferenceBFloat16FlopsPerSecond = 392e9;

    /// <summary>The smallest tile <see cref="StyleTransferOptions.Tiling"/> chooses: below it the overlaps cost more than the tiles.</summary>
    private const int SmallestTile = 128;

    private readonly int _contentWidth;
    private readonly int _contentHeight;
    private readonly IReadOnlyList<(int Width, int Height)> _styleSizes;

    private RunPlan(StyleTransferOptions options, int contentWidth, int contentHeight, IReadOnlyList<(int Width, int Height)> styleSizes, IReadOnlyList<PlannedScale> scales, long? memoryLimitBytes)
    {
        Options = options;
        _contentWidth = contentWidth;
        _contentHeight = contentHeight;
        _styleSizes = styleSizes;
        Scales = scales;
        MemoryLimitBytes = memoryLimitBytes;
    }

    /// <summary>The options planned for.</summary>
    public StyleTransferOptions Options { get; }

    /// <summary>The scales the run optimises at, smallest first; the last is the output size.</summary>
    public IReadOnlyList<PlannedScale> Scales { get; }

    /// <summary>
    /// The process's expected peak resident memory over the run (its largest scale's), in bytes, for
    /// one run in a fresh process. A bfloat16 L-BFGS scale whose steps stall finishes in float32,
    /// and then peaks higher, but only where that too is expected to fit in <see cref="MemoryLimitBytes"/>.
    /// </summary>
    public long PeakMemoryBytes => Scales.Max(s => s.PeakMemoryBytes);

    /// <summary>
    /// The memory the run may use: <see cref="StyleTransferOptions.MaxMemory"/>, or else what the
    /// machine had available when the plan was made (this process's resident memory plus what the
    /// system and its cgroup limits can still give); null when the system does not say.
    /// </summary>
    public long? MemoryLimitBytes { get; }

    /// <summary>Whether the run is expected to peak within <see cref="MemoryLimitBytes"/> (true when that is unknown).</summary>
    public bool FitsInMemory => MemoryLimitBytes is not { } limit || PeakMemoryBytes <= limit;

    /// <summary>
    /// The expected time of the iterations on the reference CPU of docs/performance.md (2 cores with
    /// AVX-512 and BF16): from the convolutions' operation count at each scale and that CPU's measured
    /// throughput. Another machine takes longer or shorter in proportion to its speed.
    /// </summary>
    public TimeSpan EstimatedDuration => Scales.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.EstimatedDuration);

    /// <summary>Plans a run of <paramref name="options"/> on images of the given sizes (as decoded, before any scaling).</summary>
    /// <param name="options">The run's options (its images are not read).</param>
    /// <param name="contentWidth">The content image's width in pixels.</param>
    /// <param name="contentHeight">The content image's height in pixels.</param>
    /// <param name="styleSizes">
    /// Each style image's width and height in pixels, in the order of <see cref="StyleTransferOptions.Styles"/>:
    /// measuring a style costs memory by its size at each scale (options without styles take these as theirs).
    /// Null plans each style as if it had the content's shape.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="styleSizes"/> does not give one size per style.</exception>
    public static RunPlan For(StyleTransferOptions options, int contentWidth, int contentHeight, IReadOnlyList<(int Width, int Height)>? styleSizes = null)
    {
        Guard.NotNull(options);
        Guard.MustBePositive(contentWidth);
        Guard.MustBePositive(contentHeight);
        var styles = styleSizes ?? Enumerable.Repeat((contentWidth, contentHeight), Math.Max(1, options.Styles.Count)).ToArray();
        if (styleSizes is not null && (styleSizes.Count == 0 || (options.Styles.Count > 0 && styleSizes.Count != options.Styles.Count) || styleSizes.Any(s => s.Width <= 0 || s.Height <= 0)))
        {
            Guard.ThrowArgument($"Give one positive size per style ({options.Styles.Count} in the options); {styleSizes.Count} were given.", nameof(styleSizes));
        }

        var limit = options.MaxMemory ?? AvailableMemory.ForThisProcess();
        return new RunPlan(options, contentWidth, contentHeight, styles, PlanScales(options, contentWidth, contentHeight, styles, limit), limit);
    }

    /// <summary>Plans a run on its prepared inputs: the content at the output size, each style as it is scaled from.</summary>
    internal static RunPlan For(StyleTransferOptions options, RunInputs inputs) =>
        For(options, inputs.Content.Width, inputs.Content.Height, inputs.Styles.Select(s => (s.Image.Width, s.Image.Height)).ToArray());

    /// <summary>
    /// The largest <see cref="StyleTransferOptions.OutputSize"/> (longest side, at most this plan's)
    /// whose run is expected to peak within <paramref name="maxBytes"/>, other options and the images
    /// unchanged; null when not even the smallest size fits.
    /// </summary>
    /// <param name="maxBytes">The memory the run may use, in bytes.</param>
    public int? LargestOutputSizeWithin(long maxBytes)
    {
        bool Fits(int size) => PlanScales(Options with { OutputSize = size }, _contentWidth, _contentHeight, _styleSizes, maxBytes).Max(s => s.PeakMemoryBytes) <= maxBytes;
        int low = 16, high = Options.OutputSize;
        if (!Fits(low))
        {
            return null;
        }

        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (Fits(middle))
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>
    /// The scales, each whole or in tiles: in tiles of <see cref="StyleTransferOptions.TileSize"/> when
    /// it is set and the scale is larger; in the largest tiles that fit when <see cref="StyleTransferOptions.Tiling"/>
    /// is on and the whole scale would not fit in <paramref name="limit"/>; whole otherwise. A scale's
    /// peak is its steps' or, where larger, that of measuring its targets.
    /// </summary>
    private static PlannedScale[] PlanScales(StyleTransferOptions options, int contentWidth, int contentHeight, IReadOnlyList<(int Width, int Height)> styleSizes, long? limit)
    {
        var (width, height) = RgbImage.FitSize(contentWidth, contentHeight, options.OutputSize);
        var deepest = options.Optimization.DeepestLayer;
        var schedule = ScaleSchedule.For(
            options,
            (double)Math.Min(width, height) / Math.Max(width, height),
            Vgg19Architecture.MinimumSide(deepest));
        var throughput = options.Precision == ComputePrecision.BFloat16 ? ReferenceBFloat16FlopsPerSecond : ReferenceFloat32FlopsPerSecond;
        return schedule.Scales.Select(scale =>
        {
            var (w, h) = scale.Size >= Math.Max(width, height) ? (width, height) : RgbImage.FitSize(width, height, scale.Size);
            var styles = styleSizes.Select(s => InputPreparation.StyleSizeAt(s.Width, s.Height, Math.Max(w, h), options)).ToArray();
            long Peak(long steps, int? tile) => Math.Max(steps, MemoryModel.MeasuringPeakBytes(options, w, h, styles, tile));
            var whole = Peak(MemoryModel.PeakBytes(options, w, h, scale.Iterations), null);
            var tiled = options.TileSize is { } forced
                ? (Math.Max(w, h) > forced ? TiledWithin(options, w, h, scale.Iterations, limit, _ => forced, Peak) : null)
                : options.Tiling && limit is { } bytes && whole > bytes
                    ? TiledWithin(options, w, h, scale.Iterations, limit, tiledOptions => LargestTileWithin(tiledOptions, w, h, scale.Iterations, bytes, Peak), Peak)
                    : null;
            if (tiled is not { } inTiles)
            {
                var seconds = scale.Iterations * NetworkFootprint.StepFlops(h, w, deepest) / throughput;
                var float32Finish = Math.Max(
                    MemoryModel.Float32FinishPeakBytes(options, w, h, scale.Iterations),
                    MemoryModel.MeasuringPeakBytes(options with { Precision = ComputePrecision.Float32 }, w, h, styles, null));
                return new PlannedScale(w, h, scale.Iterations, whole, TimeSpan.FromSeconds(seconds))
                {
                    Optimizer = options.Optimizer,
                    MayFinishInFloat32 = options.Precision == ComputePrecision.BFloat16 && options.Optimizer == OptimizerKind.Lbfgs
                        && (limit is not { } room || float32Finish <= room),
                    Float32FinishPeakMemoryBytes = float32Finish,
                };
            }

            var (tile, optimizer) = inTiles;
            var overlap = TiledObjective.Overlap(tile);
            var columns = TileGrid.Count(w, tile, overlap);
            var rows = TileGrid.Count(h, tile, overlap);
            // Each iteration visits every tile twice: forward only (half a step's work), then forward and backward.
            var tileSeconds = 1.5 * scale.Iterations * columns * rows * NetworkFootprint.StepFlops(Math.Min(tile, h), Math.Min(tile, w), deepest) / throughput;
            var peak = Peak(MemoryModel.TiledPeakBytes(options with { Optimizer = optimizer }, w, h, scale.Iterations, tile), tile);
            return new PlannedScale(w, h, scale.Iterations, peak, TimeSpan.FromSeconds(tileSeconds))
            {
                TileSize = tile,
                TileCount = columns * rows,
                Optimizer = optimizer,
            };
        }).ToArray();
    }

    /// <summary>
    /// The tile size <paramref name="tileFor"/> gives and the optimiser to run in those tiles: the
    /// run's, where the tiled scale fits in <paramref name="limit"/> (or no limit is known) in tiles
    /// as large as Adam's; otherwise Adam, where that fits. L-BFGS's curvature history is whole-image
    /// vectors whatever the tile size, so under a memory limit it leaves room for smaller tiles only,
    /// and small tiles see less of the picture. Null when there is no tile size.
    /// </summary>
    private static (int Tile, OptimizerKind Optimizer)? TiledWithin(
        StyleTransferOptions options, int width, int height, int iterations, long? limit, Func<StyleTransferOptions, int?> tileFor, Func<long, int?, long> peak)
    {
        bool Fits(StyleTransferOptions o, int tile) => limit is not { } bytes || peak(MemoryModel.TiledPeakBytes(o, width, height, iterations, tile), tile) <= bytes;
        var tile = tileFor(options);
        if (options.Optimizer != OptimizerKind.Lbfgs)
        {
            return tile is { } own ? (own, options.Optimizer) : null;
        }

        var adam = options with { Optimizer = OptimizerKind.Adam };
        var adamTile = tileFor(adam);
        if (tile is { } lbfgsTile && Fits(options, lbfgsTile) && !(adamTile > lbfgsTile))
        {
            return (lbfgsTile, OptimizerKind.Lbfgs);
        }

        if (adamTile is { } larger && Fits(adam, larger))
        {
            return (larger, OptimizerKind.Adam);
        }

        return tile is { } any ? (any, OptimizerKind.Lbfgs) : null;
    }

    /// <summary>The largest tile size (a multiple of 16, at least <see cref="SmallestTile"/>) whose tiled scale fits in <paramref name="bytes"/>; null when none does.</summary>
    private static int? LargestTileWithin(StyleTransferOptions options, int width, int height, int iterations, long bytes, Func<long, int?, long> peak)
    {
        for (var tile = Math.Max(width, height) / 16 * 16; tile >= SmallestTile; tile -= 16)
        {
            if (peak(MemoryModel.TiledPeakBytes(options, width, height, iterations, tile), tile) <= bytes)
            {
                return tile;
            }
        }

        return null;
    }

    /// <summary>The plan in a few lines: each scale, the peak memory, the time.</summary>
    public override string ToString()
    {
        var lines = Scales.Select((s, i) =>
            $"scale {i + 1}/{Scales.Count}: {s.Width} × {s.Height} px, {s.Iterations} iterations"
            + (s.TileSize is { } tile ? $" in {(s.TileCount == 1 ? "1 tile" : $"{s.TileCount} tiles")} of {tile} px" : string.Empty)
            + (s.Optimizer != Options.Optimizer ? $" with {s.Optimizer} (L-BFGS's history would not fit in tiles this large)" : string.Empty)
            + $", peak {Bytes.Format(s.PeakMemoryBytes)}"
            + (s.MayFinishInFloat32 ? $" ({Bytes.Format(s.Float32FinishPeakMemoryBytes)} if it finishes in float32)" : string.Empty)
            + $", about {Bytes.Duration(s.EstimatedDuration)}");
        return string.Join(Environment.NewLine, lines.Append(
            $"peak memory {Bytes.Format(PeakMemoryBytes)} ({Options.Precision}), about {Bytes.Duration(EstimatedDuration)} on the reference CPU"));
    }
}
