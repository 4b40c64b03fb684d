using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>The optimiser of a scale, its objective measured on the whole image or in tiles, its update rule from the settings.</summary>
internal static class ScaleOptimizers
{
    /// <summary>An optimiser whose objective takes the whole image at once.</summary>
    /// <param name="extractor">The feature network (not owned).</param>
    /// <param name="content">The content image at this scale, NCHW 1×3×H×W in [0, 1].</param>
    /// <param name="styles">The style images at this scale, with blend weights and masks.</param>
    /// <param name="start">Where to start, the content's size; copied.</param>
    /// <param name="settings">The loss and the optimiser.</param>
    /// <param name="moreTerms">Terms beyond content, style and total variation (owned), if any.</param>
    public static ScaleOptimizer Whole(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, Tensor start, StyleOptimizerSettings settings, IReadOnlyList<ILossTerm>? moreTerms = null) =>
        Create(new WholeImageObjective(new StyleObjective(extractor, content, styles, settings, moreTerms)), start, settings);

    /// <summary>An optimiser whose objective is measured in overlapping tiles of <paramref name="tileSize"/> (see <see cref="TiledObjective"/>).</summary>
    /// <param name="extractor">The feature network (not owned).</param>
    /// <param name="content">The content image at this scale, NCHW 1×3×H×W in [0, 1].</param>
    /// <param name="styles">The style images at this scale, with blend weights; no masks.</param>
    /// <param name="start">Where to start, the content's size; copied.</param>
    /// <param name="settings">The loss and the optimiser.</param>
    /// <param name="tileSize">The longest side of a tile in pixels, overlap included.</param>
    public static ScaleOptimizer Tiled(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, Tensor start, StyleOptimizerSettings settings, int tileSize) =>
        Create(new TiledObjective(extractor, content, styles, settings, tileSize), start, settings);

    private static ScaleOptimizer Create(IObjective objective, Tensor start, StyleOptimizerSettings settings)
    {
        try
        {
            return new ScaleOptimizer(objective, UpdateRules.For(settings, start), start, settings.AveragingDecay);
        }
        catch
        {
            objective.Dispose();
            throw;
        }
    }
}
