namespace NeuralStyle;

/// <summary>
/// What a style training run does: the artwork, the photos, the feed-forward network and its
/// schedule, and where the trained style (an ONNX model) goes. Immutable and validated as it is set;
/// derive a changed copy with <c>options with { Steps = 4000 }</c>. The defaults are the recipe
/// measured in bench/history.md.
/// </summary>
public sealed record StyleTrainingOptions
{
    private readonly IReadOnlyList<string> _photos = [];
    private readonly IReadOnlyList<string> _previewPhotos = [];
    private readonly int _steps = 2000;
    private readonly int _cropSize = 128;
    private readonly int _batchSize = 1;
    private readonly int _width = 32;
    private readonly double _learningRate = 1e-3;
    private readonly double _styleScale = 1.0;
    private readonly StyleOptimizerSettings _losses = new() { StyleWeight = 5e-4, LossNormalization = LossNormalization.None };
    private readonly int _checkpointInterval = 100;
    private readonly int _previewInterval;

    /// <summary>The artwork whose style the network learns.</summary>
    public required ImageInput Style { get; init; }

    /// <summary>The photos the network is trained on (image files); any that cannot be read, or are smaller than a crop, are reported in the result and skipped.</summary>
    public required IReadOnlyList<string> Photos { get => _photos; init => _photos = Guard.NotNullValue(value, nameof(Photos)); }

    /// <summary>Where the trained style is written (an <c>.onnx</c> file, atomically); null writes nothing and the result holds the model's bytes only.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Whether an existing <see cref="OutputPath"/> may be replaced. Default false.</summary>
    public bool OverwriteOutput { get; init; }

    /// <summary>Adam steps in all, 1–10 000 000 (default 2000).</summary>
    public int Steps { get => _steps; init { Guard.MustBeBetween(value, 1, 10_000_000, nameof(Steps)); _steps = value; } }

    /// <summary>The side of the square crops trained on, a multiple of 4 from 32 to 1024 (default 128).</summary>
    public int CropSize
    {
        get => _cropSize;
        init
        {
            Guard.MustBeBetween(value, 32, 1024, nameof(CropSize));
            if (value % 4 != 0)
            {
                Guard.ThrowArgument($"{nameof(CropSize)} must be a multiple of 4; it was {value}.", nameof(CropSize));
            }

            _cropSize = value;
        }
    }

    /// <summary>Crops per step, 1–64 (default 1).</summary>
    public int BatchSize { get => _batchSize; init { Guard.MustBeBetween(value, 1, 64, nameof(BatchSize)); _batchSize = value; } }

    /// <summary>
    /// The network's first-layer channels, 32–128 (default 32, as in Johnson et al.; the model file is
    /// about 6.7 MB). Not fewer: below 32 channels libtorch's CPU convolutions compute the weights'
    /// gradients differently from one run to the next when they use more than one thread (by up to
    /// 7 % at width 16, measured), so training would neither repeat nor resume.
    /// </summary>
    public int Width { get => _width; init { Guard.MustBeBetween(value, 32, 128, nameof(Width)); _width = value; } }

    /// <summary>Adam's step size (default 1e-3).</summary>
    public double LearningRate { get => _learningRate; init { Guard.MustBeFiniteAndPositive(value, nameof(LearningRate)); _learningRate = value; } }

    /// <summary>The style image's longest side relative to a crop's side (default 1: as large as a crop), 0.1–16.</summary>
    public double StyleScale
    {
        get => _styleScale;
        init
        {
            Guard.MustBeFiniteAndPositive(value, nameof(StyleScale));
            if (value is < 0.1 or > 16)
            {
                Guard.ThrowOutOfRange(nameof(StyleScale), $"{nameof(StyleScale)} must be between 0.1 and 16; it was {value}.");
            }

            _styleScale = value;
        }
    }

    /// <summary>
    /// The layers and weights of the content, style and total variation terms. The default is the
    /// optimisation's layers, unscaled (<see cref="LossNormalization.None"/>), with a style weight of
    /// 5e-4: a network starts from noise, not from the photo, and the optimisation's unscaled 1e-2
    /// leaves no content in it. Training compares Gram matrices, unscaled: settings made with
    /// <c>new StyleOptimizerSettings { … }</c> must say <c>LossNormalization = LossNormalization.None</c>
    /// (start from this default's <c>with</c> instead), and another
    /// <see cref="StyleOptimizerSettings.StyleStatistic"/> or <see cref="StyleOptimizerSettings.LossNormalization"/>
    /// is refused; the optimiser's settings do not apply.
    /// </summary>
    public StyleOptimizerSettings Losses { get => _losses; init => _losses = Guard.NotNullValue(value, nameof(Losses)); }

    /// <summary>The number format of the VGG19 network the losses are measured with (default float32; bfloat16 is about twice as fast on CPUs that compute it natively).</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Float32;

    /// <summary>The seed of the crops, flips and the network's first weights (default 1): the same options train the same network.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A folder to keep the training's state in, every <see cref="CheckpointInterval"/> steps; a run with the same folder resumes from it and ends where an uninterrupted run would. Null keeps none.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>
    /// Whether a checkpoint in <see cref="CheckpointFolder"/> is continued (true), or refused (false,
    /// the default: a folder that holds another training is not taken over by mistake). With no
    /// checkpoint there, the training starts afresh either way.
    /// </summary>
    public bool ResumeFromCheckpoint { get; init; }

    /// <summary>Steps between checkpoints, 1–1 000 000 (default 100).</summary>
    public int CheckpointInterval { get => _checkpointInterval; init { Guard.MustBeBetween(value, 1, 1_000_000, nameof(CheckpointInterval)); _checkpointInterval = value; } }

    /// <summary>Photos (never trained on) that progress reports show stylised every <see cref="PreviewInterval"/> steps, each at most 512 px.</summary>
    public IReadOnlyList<string> PreviewPhotos { get => _previewPhotos; init => _previewPhotos = Guard.NotNullValue(value, nameof(PreviewPhotos)); }

    /// <summary>Steps between previews, 0 for none (default 0).</summary>
    public int PreviewInterval { get => _previewInterval; init { Guard.MustBeBetween(value, 0, 1_000_000, nameof(PreviewInterval)); _previewInterval = value; } }

    /// <summary>Checks what the setters cannot.</summary>
    internal void Validate()
    {
        Guard.NotNull(Style, nameof(Style));
        Guard.MustBeDefined(Precision, nameof(Precision));
        if (Photos.Count == 0)
        {
            Guard.ThrowArgument($"{nameof(Photos)} must name at least one photo to train on.", nameof(Photos));
        }

        if (Losses.StyleStatistic != StyleStatistic.Gram || Losses.LossNormalization != LossNormalization.None)
        {
            Guard.ThrowArgument($"Training a style compares Gram matrices without loss normalisation; {nameof(Losses)} asks for {Losses.StyleStatistic} with {Losses.LossNormalization} normalisation: set {nameof(StyleOptimizerSettings.StyleStatistic)} = Gram and {nameof(StyleOptimizerSettings.LossNormalization)} = None.", nameof(Losses));
        }

        if (OutputPath is not null && !OutputPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            Guard.ThrowArgument($"{nameof(OutputPath)} must end in .onnx; it was '{OutputPath}'.", nameof(OutputPath));
        }
    }
}
