namespace NeuralStyle;

/// <summary>
/// What <see cref="StyleOptimizer"/> needs: the loss (layers, weights, total variation) and the
/// optimiser. Immutable; each property checks its own range when set, naming it. The same settings
/// (with the same defaults) are properties of <see cref="StyleTransferOptions"/>, which holds one of these.
/// </summary>
public sealed record StyleOptimizerSettings
{
    private readonly double _averagingDecay;
    private readonly double? _contentWeight;
    private readonly double? _styleWeight;
    private readonly double _totalVariationWeight = 1.8e7;
    private readonly IReadOnlyList<LayerWeight> _contentLayers = StyleTransferOptions.DefaultContentLayers;
    private readonly IReadOnlyList<LayerWeight> _styleLayers = StyleTransferOptions.DefaultStyleLayers;
    private readonly AdamSettings _adam = new();
    private readonly LbfgsSettings _lbfgs = new();

    /// <inheritdoc cref="StyleTransferOptions.ContentLayers"/>
    public IReadOnlyList<LayerWeight> ContentLayers { get => _contentLayers; init => _contentLayers = CheckLayers(value, nameof(ContentLayers)); }

    /// <inheritdoc cref="StyleTransferOptions.StyleLayers"/>
    public IReadOnlyList<LayerWeight> StyleLayers { get => _styleLayers; init => _styleLayers = CheckLayers(value, nameof(StyleLayers)); }

    /// <inheritdoc cref="StyleTransferOptions.ContentWeight"/>
    public double ContentWeight
    {
        get => _contentWeight ?? StartingWeights.For(StyleStatistic, LossNormalization).Content;
        init { Guard.MustBeFiniteAndNonNegative(value, nameof(ContentWeight)); _contentWeight = value; }
    }

    /// <inheritdoc cref="StyleTransferOptions.StyleWeight"/>
    public double StyleWeight
    {
        get => _styleWeight ?? StartingWeights.For(StyleStatistic, LossNormalization).Style;
        init { Guard.MustBeFiniteAndNonNegative(value, nameof(StyleWeight)); _styleWeight = value; }
    }

    /// <inheritdoc cref="StyleTransferOptions.TotalVariationWeight"/>
    public double TotalVariationWeight { get => _totalVariationWeight; init { Guard.MustBeFiniteAndNonNegative(value, nameof(TotalVariationWeight)); _totalVariationWeight = value; } }

    /// <inheritdoc cref="StyleTransferOptions.TotalVariationNorm"/>
    public TotalVariationNorm TotalVariationNorm { get; init; } = TotalVariationNorm.AbsoluteMean;

    /// <inheritdoc cref="StyleTransferOptions.StyleStatistic"/>
    public StyleStatistic StyleStatistic { get; init; } = StyleStatistic.Gram;

    /// <inheritdoc cref="StyleTransferOptions.LossNormalization"/>
    public LossNormalization LossNormalization { get; init; } = LossNormalization.Style;

    /// <inheritdoc cref="StyleTransferOptions.Optimizer"/>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Lbfgs;

    /// <inheritdoc cref="StyleTransferOptions.Adam"/>
    public AdamSettings Adam { get => _adam; init => _adam = Guard.NotNullValue(value, nameof(Adam)); }

    /// <inheritdoc cref="StyleTransferOptions.Lbfgs"/>
    public LbfgsSettings Lbfgs { get => _lbfgs; init => _lbfgs = Guard.NotNullValue(value, nameof(Lbfgs)); }

    /// <inheritdoc cref="StyleTransferOptions.AveragingDecay"/>
    public double AveragingDecay
    {
        get => _averagingDecay;
        init
        {
            if (!(value >= 0 && value < 1))
            {
                Guard.ThrowOutOfRange(nameof(AveragingDecay), $"{nameof(AveragingDecay)} must be at least 0 and below 1; it was {value}.");
            }

            _averagingDecay = value;
        }
    }

    /// <summary>Every layer named by <see cref="ContentLayers"/> and <see cref="StyleLayers"/>, each once.</summary>
    internal IEnumerable<string> AllLayers => ContentLayers.Concat(StyleLayers).Select(l => l.Layer).Distinct();

    /// <summary>The deepest of <see cref="AllLayers"/>: the network runs up to it (valid after <see cref="Validate"/>).</summary>
    internal string DeepestLayer => AllLayers.MaxBy(Vgg19Architecture.IndexOf)!;

    /// <summary>Checks what the setters cannot: enum values and layer names.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal void Validate()
    {
        Guard.MustBeDefined(Optimizer, nameof(Optimizer));
        Guard.MustBeDefined(TotalVariationNorm, nameof(TotalVariationNorm));
        Guard.MustBeDefined(StyleStatistic, nameof(StyleStatistic));
        Guard.MustBeDefined(LossNormalization, nameof(LossNormalization));
        RequireKnownLayers(ContentLayers, nameof(ContentLayers));
        RequireKnownLayers(StyleLayers, nameof(StyleLayers));
    }

    private static void RequireKnownLayers(IReadOnlyList<LayerWeight> layers, string name)
    {
        foreach (var layer in layers)
        {
            if (Vgg19Architecture.IndexOf(layer.Layer) < 0)
            {
                Guard.ThrowArgument(
                    $"{name} names the unknown layer '{layer.Layer}'. Valid layers: {string.Join(", ", Vgg19FeatureExtractor.AllLayerNames)}.", name);
            }
        }
    }

    private static IReadOnlyList<LayerWeight> CheckLayers(IReadOnlyList<LayerWeight> layers, string name)
    {
        Guard.NotNull(layers, name);
        if (layers.Count == 0)
        {
            Guard.ThrowArgument($"{name} must name at least one layer.", name);
        }

        foreach (var layer in layers)
        {
            Guard.NotNull(layer, name);
            Guard.NotNullOrWhiteSpace(layer.Layer, name);
            Guard.MustBeFiniteAndNonNegative(layer.Weight, name);
        }

        if (layers.Select(l => l.Layer).Distinct().Count() != layers.Count)
        {
            Guard.ThrowArgument($"{name} names a layer twice.", name);
        }

        return layers.ToArray();
    }
}
