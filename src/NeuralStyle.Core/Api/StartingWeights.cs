namespace NeuralStyle;

/// <summary>
/// The content and style weights a run takes when it sets neither: for each style statistic and loss
/// normalisation, the weights that move tubingen × starry_night at 512 px as far from the photo as the
/// library's first defaults (Gram, unscaled, α 1e4, β 1e-2) do, as <c>bench --style-evidence</c> tuned
/// them (bench/history.md). Their values differ by orders of magnitude because each statistic's loss
/// has its own scale; with <see cref="LossNormalization.All"/> the strength jumps at a threshold
/// rather than growing with the weight, so those are the first weights above it.
/// </summary>
internal static class StartingWeights
{
    /// <summary>The content weight α and style weight β for a statistic and a normalisation.</summary>
    public static (double Content, double Style) For(StyleStatistic statistic, LossNormalization normalization) => (normalization, statistic) switch
    {
        (LossNormalization.None, StyleStatistic.Wasserstein) => (1e4, 593),
        (LossNormalization.None, StyleStatistic.SlicedWasserstein) => (1e4, 2.07e3),
        (LossNormalization.None, _) => (1e4, 1e-2),
        (LossNormalization.Style, StyleStatistic.Wasserstein) => (1e4, 2.11e5),
        (LossNormalization.Style, StyleStatistic.SlicedWasserstein) => (1e4, 2.85e5),
        (LossNormalization.Style, _) => (1e4, 559),
        (_, StyleStatistic.Wasserstein) => (1.29e5, 3.79e5),
        (_, StyleStatistic.SlicedWasserstein) => (1.29e5, 4.31e5),
        _ => (1.29e5, 179),
    };
}
