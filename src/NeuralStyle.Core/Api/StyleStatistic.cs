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
}
