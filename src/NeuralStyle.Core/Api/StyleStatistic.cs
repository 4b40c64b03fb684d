namespace NeuralStyle;

/// <summary>What the style term compares between the image's features and the style's, at each style layer.</summary>
public enum StyleStatistic
{
    /// <summary>Gram matrices, F·Fᵀ / positions (Gatys et al.): the classic tools' statistic and the default.</summary>
    Gram,

    /// <summary>
    /// The 2-Wasserstein distance between Gaussian fits of the features: means and covariances, with a
    /// Newton–Schulz matrix square root, in float32 whatever the network's precision (Risser et al. 2017;
    /// crowsonkb/style-transfer-pytorch). Its values have another scale than Gram's: the style weight
    /// that balances it differs (docs/options.md).
    /// </summary>
    Wasserstein,

    /// <summary>
    /// Sliced Wasserstein distances: the features projected on as many random unit directions as the
    /// layer has channels, drawn afresh at each evaluation (seeded by the image, so resumed runs repeat
    /// exactly), sorted and compared (Heitz et al., CVPR 2021). With several styles, each style's
    /// distance weighted by its blend weight. Not with tiling.
    /// </summary>
    SlicedWasserstein,
}
