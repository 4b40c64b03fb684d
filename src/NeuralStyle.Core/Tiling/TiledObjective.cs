using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The loss of an image too large for the network at once, measured in overlapping tiles
/// (<see cref="TileGrid"/>), the same loss as the whole image's:
/// <list type="bullet">
/// <item>the style is global: the image's style statistic at each layer (its Gram matrix, or the
/// mean and raw second moment of its Gaussian fit: <see cref="TiledStyleStatistic"/>) is the sum of
/// its tiles', each position weighted by its tile's blending weight (which sum to one over the
/// tiles), and each tile is pushed along the gradient of the whole image's style loss with respect
/// to that statistic (for Gram matrices 2·(G − A)), not towards the style on its own;</item>
/// <item>the content targets are per tile, from the content image's same tile, weighted alike;</item>
/// <item>a gradient visits every tile twice: forward only, for the Gram matrices of the image as it
/// is, then forward and backward for the gradients, which add up (the weights make the tiles' parts
/// of the loss a partition of it, so no tile border shows); the total variation is taken on the
/// whole image.</item>
/// </list>
/// Only one tile's feature maps are alive at a time, so memory is bounded by the tile size. The
/// gradient is that of one loss at one image, so any update rule can follow it.
/// </summary>
internal sealed class TiledObjective : IObjective
{
    private readonly IFeatureExtractor _extractor;
    private readonly StyleOptimizerSettings _settings;
    private readonly TileGrid _grid;
    private readonly string[] _layers;
    private readonly Tensor[][] _contentTargets;
    private readonly TiledStyleStatistic _style;
    private readonly Dictionary<string, Tensor>[] _layerWeights;
    private readonly double[] _share;

    /// <param name="extractor">The feature network (not owned).</param>
    /// <param name="content">The content image at this scale, NCHW 1×3×H×W in [0, 1].</param>
    /// <param name="styles">The style images at this scale, with blend weights; no masks.</param>
    /// <param name="settings">The loss's layers, weights and style statistic (Gram or Wasserstein).</param>
    /// <param name="tileSize">The longest side of a tile in pixels, overlap included.</param>
    public TiledObjective(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, StyleOptimizerSettings settings, int tileSize)
    {
        _extractor = extractor;
        _settings = settings;
        _layers = settings.AllLayers.ToArray();
        var height = (int)content.shape[2];
        var width = (int)content.shape[3];
        _grid = new TileGrid(width, height, tileSize, Overlap(tileSize));
        var tiles = _grid.Tiles;
        var pixels = (double)width * height;
        _share = tiles.Select(t => t.WeightsX.Sum(x => (double)x) * t.WeightsY.Sum(y => (double)y) / pixels).ToArray();

        using var scope = NewDisposeScope();
        using (no_grad())
        {
            _layerWeights = tiles.Select(t => LayerWeights(t, content.device)).ToArray();
            // One tile at a time, each in its own scope: a tile's feature maps go before the next tile's come.
            _contentTargets = tiles.Select(t =>
            {
                using var tileScope = NewDisposeScope();
                var features = extractor.Extract(Crop(content, t), _layers);
                return settings.ContentLayers.Select(l => features[l.Layer].to(ScalarType.Float32).DetachFromDisposeScope()).ToArray();
            }).ToArray();
            _style = TiledStyleStatistic.For(settings.StyleStatistic, StyleTargets(extractor, styles, settings, tileSize), settings.StyleLayers.Select(l => l.Weight).ToArray(), settings.LossNormalization != LossNormalization.None);
        }
    }

    /// <summary>The tiles the image is measured in.</summary>
    public TileGrid Grid => _grid;

    /// <summary>The tiles a style too large to measure whole is measured in, for tiles of <paramref name="tileSize"/> (see <see cref="StyleTargets"/>).</summary>
    public static int StyleTile(int tileSize) => (int)(tileSize * Math.Sqrt(3));

    /// <summary>The overlap of neighbouring tiles: a quarter of the tile, at least 16 px (VGG19's deepest features see 16 px cells), less than half the tile.</summary>
    public static int Overlap(int tileSize) => Math.Min((tileSize / 2) - 1, Math.Max(16, tileSize / 4));

    public LossTerms Evaluate(Tensor image, Tensor? gradient)
    {
        using var scope = NewDisposeScope();

        // First the global style statistics at the image (forward only), then, with the global style
        // residuals they give, each tile's gradient: a residual even one step old makes Adam's
        // momentum overshoot the style term.
        var (content, tv, statistics) = Sweep(image, null, null);
        var terms = Terms(content, tv, statistics);
        if (gradient is not null)
        {
            Sweep(image, _style.Residuals(statistics), gradient);
        }

        return terms;
    }

    public void Dispose()
    {
        foreach (var tensor in _layerWeights.SelectMany(w => w.Values).Concat(_contentTargets.SelectMany(t => t)))
        {
            tensor.Dispose();
        }

        _style.Dispose();
    }

    /// <summary>
    /// Visits every tile: its content loss and style statistics, each position weighted by the tile's
    /// blending weight (so the tiles' parts add up to each position once, and a tile's border, whose
    /// features see zero padding where the image goes on, counts least). With
    /// <paramref name="residuals"/>, also the gradient of the whole image's loss with respect to the
    /// tile's pixels, added into <paramref name="gradient"/>; then the whole image's total variation
    /// (no network: it is computed on the whole image at once).
    /// </summary>
    /// <returns>The whole image's content loss (the tiles' weighted sum), its total variation, and its style statistics per layer (the tiles', area-weighted; in the caller's scope).</returns>
    private (double Content, double TotalVariation, Tensor[][] Statistics) Sweep(Tensor image, Tensor[][]? residuals, Tensor? gradient)
    {
        var tiles = _grid.Tiles;
        var withGradient = residuals is not null;
        double content = 0;
        var global = new Tensor[_settings.StyleLayers.Count][];
        if (withGradient)
        {
            using var noGrad = no_grad();
            gradient!.zero_();
        }

        for (var i = 0; i < tiles.Count; i++)
        {
            using var tileScope = NewDisposeScope();
            var tile = tiles[i];
            using var gradMode = withGradient ? enable_grad() : no_grad();
            var x = Crop(image, tile).detach().clone().requires_grad_(withGradient);
            var features = _extractor.Extract(x, _layers);
            var weights = _layerWeights[i];
            var contentLoss = _settings.ContentLayers
                .Select((l, k) => WeightedSquaredError(features[l.Layer].to(ScalarType.Float32), _contentTargets[i][k], weights[l.Layer]) * l.Weight)
                .Aggregate((a, b) => a + b);
            var statistics = _settings.StyleLayers.Select(l => TiledStyleStatistic.Measure(_settings.StyleStatistic, features[l.Layer], weights[l.Layer])).ToArray();
            content += _share[i] * contentLoss.item<float>();

            if (withGradient)
            {
                // This tile's part of the whole image's loss: its share of the content loss, and the
                // style loss's residuals at each layer times its share of the global statistics.
                var loss = contentLoss * (_settings.ContentWeight * _share[i]);
                for (var l = 0; l < statistics.Length; l++)
                {
                    for (var k = 0; k < statistics[l].Length; k++)
                    {
                        loss += (residuals![l][k] * statistics[l][k]).sum() * (_settings.StyleWeight * _share[i]);
                    }
                }

                loss.backward();
                using var noGrad = no_grad();
                Crop(gradient!, tile).add_(x.grad!);
            }
            else
            {
                using var noGrad = no_grad();
                for (var l = 0; l < statistics.Length; l++)
                {
                    var previous = global[l];
                    global[l] = statistics[l].Select((s, k) => (previous is null ? s * _share[i] : previous[k] + (s * _share[i])).MoveToOuterDisposeScope()).ToArray();
                    foreach (var tensor in previous ?? [])
                    {
                        tensor.Dispose();
                    }
                }
            }
        }

        using var mode = withGradient ? enable_grad() : no_grad();
        var whole = image.detach().requires_grad_(withGradient);
        var tv = LossFunctions.TotalVariationLoss(whole, _settings.TotalVariationNorm);
        if (withGradient)
        {
            (tv * _settings.TotalVariationWeight).backward();
            using var noGrad = no_grad();
            gradient!.add_(whole.grad!);
        }

        return (content, tv.item<float>(), global);
    }

    /// <summary>The loss terms from the sweep's content, TV and style statistics.</summary>
    private LossTerms Terms(double content, double tv, Tensor[][] statistics)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var style = _style.Loss(statistics).item<float>();
        var total = (_settings.ContentWeight * content) + (_settings.StyleWeight * style) + (_settings.TotalVariationWeight * tv);
        return new LossTerms(content, style, tv, total);
    }

    /// <summary>
    /// The style targets: each style's statistics per layer (every position weighted alike), blended by
    /// weight; a style too large to measure whole is measured in tiles (area-weighted).
    /// </summary>
    private static Tensor[][] StyleTargets(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, StyleOptimizerSettings settings, int tileSize)
    {
        var layers = settings.StyleLayers.Select(l => l.Layer).ToArray();
        var weightSum = styles.Sum(s => s.Weight);

        // A forward pass without gradients keeps a few feature maps alive, not all of them, so a
        // style of three times a tile's area costs about what one tile's step does. Larger tiles
        // here mean fewer tile borders in the targets (the whole style, when it fits, has none).
        var styleTile = StyleTile(tileSize);
        var targets = new Tensor[layers.Length][];
        foreach (var style in styles)
        {
            var grid = new TileGrid((int)style.Image.shape[3], (int)style.Image.shape[2], styleTile, Overlap(styleTile));
            var area = grid.Tiles.Sum(t => (double)t.Width * t.Height);
            foreach (var tile in grid.Tiles)
            {
                using var tileScope = NewDisposeScope();
                var features = extractor.Extract(Crop(style.Image, tile), layers);
                var weight = style.Weight / weightSum * (tile.Width * tile.Height / area);
                for (var l = 0; l < layers.Length; l++)
                {
                    var parts = TiledStyleStatistic.MeasureWhole(settings.StyleStatistic, features[layers[l]]);
                    var previous = targets[l];
                    targets[l] = parts.Select((p, k) => (previous is null ? p * weight : previous[k] + (p * weight)).DetachFromDisposeScope()).ToArray();
                    foreach (var tensor in previous ?? [])
                    {
                        tensor.Dispose();
                    }
                }
            }
        }

        return targets;
    }

    /// <summary>Σ w·(F − P)² / C (weights that sum to one): the mean squared error with each position weighted.</summary>
    private static Tensor WeightedSquaredError(Tensor features, Tensor target, Tensor weights) =>
        ((features - target).square() * weights).sum() / features.shape[1];

    private static Tensor Crop(Tensor image, TileGrid.Tile tile) =>
        image.narrow(2, tile.Y, tile.Height).narrow(3, tile.X, tile.Width);

    /// <summary>The tile's blending weights averaged down to each layer's feature map size and divided by their sum (1×1×h×w, float32).</summary>
    private Dictionary<string, Tensor> LayerWeights(TileGrid.Tile tile, Device device)
    {
        using var x = tensor(tile.WeightsX, [1, 1, 1, tile.Width]);
        using var y = tensor(tile.WeightsY, [1, 1, tile.Height, 1]);
        using var weights = (y * x).to(device);
        return _layers.ToDictionary(layer => layer, layer =>
        {
            var poolings = Vgg19Architecture.Layers.Take(Vgg19Architecture.IndexOf(layer)).Count(l => l.PoolAfter);
            long[] size = [tile.Height >> poolings, tile.Width >> poolings];
            var pooled = nn.functional.adaptive_avg_pool2d(weights, size);
            return pooled.div_(pooled.sum()).DetachFromDisposeScope();
        });
    }
}
