using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// Everything a style transfer run needs. Immutable: set properties with an object initializer,
/// or derive a changed copy with <c>options with { Iterations = 100 }</c>.
/// Each property checks its own range when set (an <see cref="ArgumentException"/> naming it);
/// the rest (required inputs, layer names) is checked when the run starts, before any work.
/// </summary>
/// <remarks>
/// The loss is contentWeight·Σ wₗ·mean((Fₗ − Pₗ)²) + styleWeight·Σ wₗ·mean((Gₗ − Aₗ)²) + tvWeight·TV,
/// with Gram matrices divided by H·W (the TensorFlow tutorial the project started from) and TV, by
/// default, the mean absolute neighbour difference: each term is a mean, so the weights carry across
/// output sizes. See docs/defaults.md for how the defaults were chosen.
/// </remarks>
public sealed record StyleTransferOptions
{
    /// <summary>The default content layer: <c>block5_conv2</c> with weight 1.</summary>
    public static IReadOnlyList<LayerWeight> DefaultContentLayers { get; } = [new("block5_conv2", 1.0)];

    /// <summary>The default style layers: <c>block1_conv1</c> … <c>block5_conv1</c>, weight 0.2 each (their mean).</summary>
    public static IReadOnlyList<LayerWeight> DefaultStyleLayers { get; } =
        [new("block1_conv1", 0.2), new("block2_conv1", 0.2), new("block3_conv1", 0.2), new("block4_conv1", 0.2), new("block5_conv1", 0.2)];

    private readonly IReadOnlyList<StyleImage> _styles = [];
    private readonly int _startSize = 128;
    private readonly int _outputSize = 512;
    private readonly double _styleScale = 1.0;
    private readonly int _iterations = 50;
    private readonly int _intermediateImageInterval;
    private readonly int _outputQuality = 95;
    private readonly int _checkpointInterval = 50;
    private readonly long? _maxMemory;
    private readonly ImageLoadOptions _imageLoading = ImageLoadOptions.Default;
    private readonly int? _tileSize;
    private readonly StyleOptimizerSettings _optimization = new();

    /// <summary>The photo whose content is kept. Required.</summary>
    public ImageInput? Content { get; init; }

    /// <summary>
    /// The artworks whose style is taken, at least one (required). A path converts to a style, so
    /// <c>Styles = ["starry_night.jpg"]</c> gives one. Several are blended by their weights
    /// (normalised to sum to 1), or, when each has a mask, applied each to its own region.
    /// </summary>
    public IReadOnlyList<StyleImage> Styles { get => _styles; init => _styles = CheckStyles(value); }

    /// <summary>
    /// The first scale's longest side in pixels, 16–8192. Default 128. The run optimises at sizes
    /// that grow by √2 from this one to <see cref="OutputSize"/>, each starting from the upscaled
    /// result of the one before (coarse to fine); at or above <see cref="OutputSize"/> there is one
    /// scale. Coarse scales set the large structures cheaply, so results at 512 px and above keep the
    /// style's strokes at the same relative scale and converge in less time.
    /// </summary>
    public int StartSize { get => _startSize; init { Guard.MustBeBetween(value, 16, 8192, nameof(StartSize)); _startSize = value; } }

    /// <summary>The output's longest side in pixels (the content is scaled to it, up or down), 16–8192. Default 512.</summary>
    public int OutputSize { get => _outputSize; init { Guard.MustBeBetween(value, 16, 8192, nameof(OutputSize)); _outputSize = value; } }

    /// <summary>
    /// The style image's size relative to the output: its longest side becomes
    /// <see cref="OutputSize"/> × this (at least 16 px), in (0, 8]. Below 1 the style's brush strokes
    /// come out larger, above 1 finer. Default 1.
    /// </summary>
    public double StyleScale
    {
        get => _styleScale;
        init
        {
            if (!(value > 0 && value <= 8))
            {
                Guard.ThrowOutOfRange(nameof(StyleScale), $"{nameof(StyleScale)} must be above 0 and at most 8; it was {value}.");
            }

            _styleScale = value;
        }
    }

    /// <summary>
    /// Iterate averaging: when above 0, the result (and every intermediate image) is the exponential
    /// moving average of the iterates, a ← d·a + (1 − d)·x after each iteration, divided by 1 − dᵗ to
    /// remove the bias of starting at zero. It smooths away the high-frequency noise the last steps
    /// add; the optimisation itself is unchanged. In [0, 1); default 0 (off).
    /// </summary>
    public double AveragingDecay { get => _optimization.AveragingDecay; init => _optimization = _optimization with { AveragingDecay = value }; }

    /// <summary>Whether the result keeps the content's colours, and how. Default <see cref="NeuralStyle.ColorPreservation.None"/>.</summary>
    public ColorPreservation ColorPreservation { get; init; } = ColorPreservation.None;

    /// <summary>
    /// The optimiser iterations at the output size, 1–1,000,000. Default 50. With several scales
    /// (see <see cref="StartSize"/>) a scale whose longest side is s gets
    /// round(Iterations · √(OutputSize / s)): more where pixels are few.
    /// </summary>
    public int Iterations { get => _iterations; init { Guard.MustBeBetween(value, 1, 1_000_000, nameof(Iterations)); _iterations = value; } }

    /// <summary>The optimiser. Default <see cref="OptimizerKind.Lbfgs"/> (it reaches a given loss in about a third of Adam's iterations).</summary>
    public OptimizerKind Optimizer { get => _optimization.Optimizer; init => _optimization = _optimization with { Optimizer = value }; }

    /// <summary>Adam's settings, used when <see cref="Optimizer"/> is Adam, and after L-BFGS's <see cref="LbfgsSettings.SwitchToAdamAfter"/>.</summary>
    public AdamSettings Adam { get => _optimization.Adam; init => _optimization = _optimization with { Adam = value }; }

    /// <summary>L-BFGS's settings, used when <see cref="Optimizer"/> is Lbfgs.</summary>
    public LbfgsSettings Lbfgs { get => _optimization.Lbfgs; init => _optimization = _optimization with { Lbfgs = value }; }

    /// <summary>
    /// The content loss weight α. Default 1e4, or 1.29e5 with <see cref="LossNormalization.All"/>: unless
    /// set, it follows <see cref="StyleStatistic"/> and <see cref="LossNormalization"/> as
    /// <see cref="StyleWeight"/> does.
    /// </summary>
    public double ContentWeight { get => _optimization.ContentWeight; init => _optimization = _optimization with { ContentWeight = value }; }

    /// <summary>
    /// The style loss weight β. Default 559 (Gram, the style layers scaled). Unless set, it follows
    /// <see cref="StyleStatistic"/> and <see cref="LossNormalization"/>, whose losses have different
    /// scales: the weight that moves tubingen × starry_night at 512 px as far from the photo as Gram
    /// unscaled at 1e-2 does. With <see cref="LossNormalization.Style"/> 559 (Gram), 2.11e5
    /// (Wasserstein), 2.85e5 (sliced Wasserstein); without normalisation 1e-2, 593, 2.07e3; with
    /// <see cref="LossNormalization.All"/> 179, 3.79e5, 4.31e5 (docs/options.md). A weight that is set
    /// stays as set whatever the statistic.
    /// </summary>
    public double StyleWeight { get => _optimization.StyleWeight; init => _optimization = _optimization with { StyleWeight = value }; }

    /// <summary>
    /// The total variation weight γ (smoothness). Default 1.8e7: with the default
    /// <see cref="TotalVariationNorm.AbsoluteMean"/> this gives the balance the TensorFlow tutorial's
    /// 30 gives on the summed form at 512 × 384, and it stays the same at every size.
    /// </summary>
    public double TotalVariationWeight { get => _optimization.TotalVariationWeight; init => _optimization = _optimization with { TotalVariationWeight = value }; }

    /// <summary>
    /// How the total variation term combines neighbour differences. Default
    /// <see cref="TotalVariationNorm.AbsoluteMean"/>: every term of the loss is then a mean, so one set
    /// of weights gives the same look at every output size. <see cref="TotalVariationNorm.AbsoluteSum"/>
    /// with weight 30 is the TensorFlow tutorial's objective (its weights must be retuned when the size changes).
    /// </summary>
    public TotalVariationNorm TotalVariationNorm { get => _optimization.TotalVariationNorm; init => _optimization = _optimization with { TotalVariationNorm = value }; }

    /// <summary>
    /// What the style term compares at each style layer. Default <see cref="StyleStatistic.Gram"/>.
    /// <see cref="StyleStatistic.Wasserstein"/> compares Gaussian fits (means and covariances) and
    /// <see cref="StyleStatistic.SlicedWasserstein"/> sorted random projections instead; their values
    /// have other scales, so their default <see cref="StyleWeight"/> differs (docs/options.md). Sliced Wasserstein does not tile.
    /// </summary>
    public StyleStatistic StyleStatistic { get => _optimization.StyleStatistic; init => _optimization = _optimization with { StyleStatistic = value }; }

    /// <summary>
    /// Which layers' losses are scaled by their own gradient's magnitude (crowsonkb/style-transfer-pytorch's
    /// <c>ScaledMSELoss</c>). Default <see cref="LossNormalization.Style"/>: the style layers are scaled,
    /// so the same weights carry across sizes and pictures (docs/defaults.md);
    /// <see cref="LossNormalization.None"/> leaves mean squared errors, <see cref="LossNormalization.All"/>
    /// scales the content layers too. The weights that balance them have other scales, and the default
    /// <see cref="ContentWeight"/> and <see cref="StyleWeight"/> follow it (docs/options.md). All does not tile.
    /// </summary>
    public LossNormalization LossNormalization { get => _optimization.LossNormalization; init => _optimization = _optimization with { LossNormalization = value }; }

    /// <summary>The downsampling between VGG19's blocks. Default <see cref="NeuralStyle.Pooling.Max"/>.</summary>
    public Pooling Pooling { get; init; } = Pooling.Max;

    /// <summary>The content layers and their weights. Default <see cref="DefaultContentLayers"/>.</summary>
    public IReadOnlyList<LayerWeight> ContentLayers { get => _optimization.ContentLayers; init => _optimization = _optimization with { ContentLayers = value }; }

    /// <summary>The style layers and their weights. Default <see cref="DefaultStyleLayers"/>.</summary>
    public IReadOnlyList<LayerWeight> StyleLayers { get => _optimization.StyleLayers; init => _optimization = _optimization with { StyleLayers = value }; }

    /// <summary>Where the optimisation starts. Default <see cref="InitialImage.Content"/>.</summary>
    public InitialImage Initialization { get; init; } = InitialImage.Content;

    /// <summary>The random seed (noise start, any randomness); null picks one. Same seed, options and thread count give the same image.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// The number format of the VGG19 convolutions and the Gram products (the losses are summed in
    /// float32 either way). Default <see cref="ComputePrecision.Float32"/>;
    /// <see cref="ComputePrecision.BFloat16"/> is faster where the hardware computes in bfloat16
    /// (an L-BFGS scale that stalls in it finishes in float32, loading the float32 network too), and
    /// many times slower where it does not: ask <see cref="ComputeSupport.BFloat16"/> first.
    /// </summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Float32;

    /// <summary>Call <see cref="IntermediateImage"/> every this many iterations; 0 (the default) never.</summary>
    public int IntermediateImageInterval { get => _intermediateImageInterval; init { Guard.MustBeBetween(value, 0, int.MaxValue, nameof(IntermediateImageInterval)); _intermediateImageInterval = value; } }

    /// <summary>
    /// Receives (iteration, image) every <see cref="IntermediateImageInterval"/> iterations, counted
    /// over all scales, on the run's thread. Images of the coarser scales are smaller than the output.
    /// </summary>
    public Action<int, RgbImage>? IntermediateImage { get; init; }

    /// <summary>Where to write the result (atomically; PNG, JPEG or WebP by extension). Null writes nothing.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Whether an existing file at <see cref="OutputPath"/> may be replaced. Default false.</summary>
    public bool OverwriteOutput { get; init; }

    /// <summary>Quality for JPEG and WebP output, 1–100. Default 95.</summary>
    public int OutputQuality { get => _outputQuality; init { Guard.MustBeBetween(value, 1, 100, nameof(OutputQuality)); _outputQuality = value; } }

    /// <summary>
    /// Where to keep the run's checkpoint: its state (image, scale, iteration, optimiser state, loss
    /// history) is written there, atomically, every <see cref="CheckpointInterval"/> iterations, so
    /// that <see cref="ResumeFrom"/> can continue an interrupted run. Null (the default) writes none.
    /// With L-BFGS a checkpoint holds the curvature pairs: about 200 images' worth of floats when
    /// the history is full (about 0.5 GB at 512 × 384 px).
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write the checkpoint every this many iterations, counted over all scales, 1–1,000,000. Default 50.</summary>
    public int CheckpointInterval { get => _checkpointInterval; init { Guard.MustBeBetween(value, 1, 1_000_000, nameof(CheckpointInterval)); _checkpointInterval = value; } }

    /// <summary>
    /// A checkpoint to continue from (one that <see cref="CheckpointPath"/> wrote). The run must have the
    /// same options and images and the same NeuralStyle version, or it is refused with a
    /// <see cref="CheckpointException"/> before any work. On the same machine and thread count, the
    /// resumed run ends with the same image, bit for bit, as one that was never interrupted; its
    /// result reports the whole loss history and the original seed. Null (the default) starts afresh.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// The most memory the run may use, in bytes: the process's peak resident memory as
    /// <see cref="RunPlan"/> expects it. A run expected to need more is refused before any work with a
    /// <see cref="MemoryLimitException"/> that gives the largest output size that fits. Null (the
    /// default) allows what the machine has available when the run starts (the process's own memory
    /// plus what the system and its cgroup limits can still give).
    /// </summary>
    public long? MaxMemory { get => _maxMemory; init { if (value is { } bytes) { Guard.MustBePositive(bytes, nameof(MaxMemory)); } _maxMemory = value; } }

    /// <summary>
    /// How the run's image files and streams are decoded: the largest file and the most pixels
    /// accepted (a larger input is refused before its pixels are decoded). Default <see cref="ImageLoadOptions.Default"/>.
    /// </summary>
    public ImageLoadOptions ImageLoading { get => _imageLoading; init => _imageLoading = Guard.NotNullValue(value, nameof(ImageLoading)); }

    /// <summary>
    /// Whether scales that would not fit in <see cref="MaxMemory"/> are optimised in overlapping tiles
    /// (with the whole picture's style statistics and the run's optimiser), the tile size chosen from
    /// the memory limit; see docs/large-images.md. Default false: such a run is refused. Not with style masks.
    /// </summary>
    public bool Tiling { get; init; }

    /// <summary>
    /// Optimise every scale larger than this many pixels (longest side) in tiles of this size,
    /// overlap included, whatever the memory; 64–8192, or null (the default) to leave it to
    /// <see cref="Tiling"/>. Not with style masks.
    /// </summary>
    public int? TileSize { get => _tileSize; init { if (value is { } size) { Guard.MustBeBetween(size, 64, 8192, nameof(TileSize)); } _tileSize = value; } }

    /// <summary>
    /// The loss and optimiser settings, as <see cref="StyleOptimizer"/> takes them: read-only, made of
    /// this object's own properties (<see cref="ContentWeight"/>, <see cref="Optimizer"/>, …), which are
    /// the one way to set each.
    /// </summary>
    public StyleOptimizerSettings Optimization => _optimization;

    /// <summary>Checks what the setters cannot: required inputs, enum values, layer names, the output path.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it.</exception>
    internal void Validate()
    {
        if (Content is null)
        {
            Guard.ThrowArgument($"{nameof(Content)} is required: the photo whose content is kept.", nameof(Content));
        }

        if (Styles.Count == 0)
        {
            Guard.ThrowArgument($"{nameof(Styles)} is required: at least one artwork whose style is taken.", nameof(Styles));
        }

        Guard.NotNull(Initialization, nameof(Initialization));
        Guard.MustBeDefined(ColorPreservation, nameof(ColorPreservation));
        Guard.MustBeDefined(Pooling, nameof(Pooling));
        Guard.MustBeDefined(Precision, nameof(Precision));
        _optimization.Validate();
        ValidateOutputPath();
        if (CheckpointPath is not null)
        {
            Guard.NotNullOrWhiteSpace(CheckpointPath, nameof(CheckpointPath));
        }

        if ((Tiling || TileSize is not null) && StyleStatistic == StyleStatistic.SlicedWasserstein)
        {
            Guard.ThrowArgument("Tiling does not work with the sliced Wasserstein style statistic: it compares sorted values of the whole image, which do not add up over tiles; use Gram or Wasserstein.", nameof(Tiling));
        }

        if ((Tiling || TileSize is not null) && LossNormalization == LossNormalization.All)
        {
            Guard.ThrowArgument("Tiling does not work with the content term scaled (LossNormalization.All): it divides by the whole picture's content residual, which does not add up over tiles; use None or Style.", nameof(Tiling));
        }

        if ((Tiling || TileSize is not null) && Styles.Any(s => s.Mask is not null))
        {
            Guard.ThrowArgument("Tiling does not work with style masks yet.", nameof(Tiling));
        }
    }

    private void ValidateOutputPath()
    {
        if (OutputPath is null)
        {
            return;
        }

        var extension = Path.GetExtension(OutputPath).ToLowerInvariant();
        if (extension is not (".png" or ".jpg" or ".jpeg" or ".webp"))
        {
            Guard.ThrowArgument($"{nameof(OutputPath)} '{OutputPath}' must end in .png, .jpg, .jpeg or .webp.", nameof(OutputPath));
        }
    }

    private static IReadOnlyList<StyleImage> CheckStyles(IReadOnlyList<StyleImage> styles)
    {
        Guard.NotNull(styles, nameof(Styles));
        foreach (var style in styles)
        {
            Guard.NotNull(style, nameof(Styles));
        }

        var masked = styles.Count(s => s.Mask is not null);
        if (masked != 0 && masked != styles.Count)
        {
            Guard.ThrowArgument($"Either every style has a mask or none has; {masked} of {styles.Count} styles have one.", nameof(Styles));
        }

        if (styles.Count > 0 && !(styles.Sum(s => s.Weight) > 0))
        {
            Guard.ThrowArgument("The styles' blend weights are all 0; give at least one a positive weight.", nameof(Styles));
        }

        return styles.ToArray();
    }
}
