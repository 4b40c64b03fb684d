using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The style statistic of a <see cref="TiledObjective"/>: what one tile contributes at a layer (a few
/// tensors linear in its positions' weights, so that the tiles' contributions add up to the whole
/// image's), the style loss of the whole image's sums, and that loss's gradient with respect to them
/// (the residuals each tile is then pushed along). Gram matrices contribute themselves; Gaussian fits
/// contribute their mean and raw second moment. Sliced Wasserstein distances compare sorted values of
/// the whole image, which do not add up over tiles, so they have none.
/// </summary>
internal abstract class TiledStyleStatistic : IDisposable
{
    /// <param name="layerWeights">The style layers' weights.</param>
    protected TiledStyleStatistic(IReadOnlyList<double> layerWeights) => LayerWeights = layerWeights;

    protected IReadOnlyList<double> LayerWeights { get; }

    /// <summary>The statistic for <paramref name="statistic"/>, its targets from the styles' summed contributions per layer (owned).</summary>
    /// <param name="statistic">The style statistic.</param>
    /// <param name="targets">The styles' contributions per layer.</param>
    /// <param name="layerWeights">The style layers' weights.</param>
    /// <param name="scaled">Whether each layer's loss is scaled (<see cref="LossNormalization"/>): the whole image's sums are at hand, so the scaled losses tile as the plain ones do.</param>
    /// <exception cref="ArgumentException">The statistic cannot be measured in tiles.</exception>
    public static TiledStyleStatistic For(StyleStatistic statistic, Tensor[][] targets, IReadOnlyList<double> layerWeights, bool scaled) => statistic switch
    {
        StyleStatistic.Gram => new TiledGram(targets, layerWeights, scaled),
        StyleStatistic.Wasserstein => new TiledGaussian(targets, layerWeights, scaled),
        _ => throw new ArgumentException($"The {statistic} style statistic cannot be measured in tiles.", nameof(statistic)),
    };

    /// <summary>A tile's (or a style's) contribution at one layer: float32 tensors, each position weighted by <paramref name="weights"/> (1×1×h×w, summing to one over the tile).</summary>
    public static Tensor[] Measure(StyleStatistic statistic, Tensor features, Tensor weights)
    {
        if (statistic == StyleStatistic.Gram)
        {
            return [GramMatrixFunction.Compute(features, weights, 1).to(ScalarType.Float32)];
        }

        var (sum, secondSum) = StyleTermParts.WeightedMoments(features, weights);
        return [sum, secondSum];
    }

    /// <summary>A whole style image's contribution at one layer (every position weighted alike).</summary>
    public static Tensor[] MeasureWhole(StyleStatistic statistic, Tensor features)
    {
        if (statistic == StyleStatistic.Gram)
        {
            return [LossFunctions.GramMatrix(features).to(ScalarType.Float32)];
        }

        var uniform = full([1, 1, features.shape[2], features.shape[3]], 1.0 / (features.shape[2] * features.shape[3]), dtype: features.dtype, device: features.device);
        return Measure(statistic, features, uniform);
    }

    /// <summary>The style loss of the whole image's contributions (one list per layer), unweighted by β.</summary>
    public abstract Tensor Loss(Tensor[][] parts);

    /// <summary>∂<see cref="Loss"/>/∂parts, one list per layer, without gradients of their own.</summary>
    public virtual Tensor[][] Residuals(Tensor[][] parts)
    {
        using var gradients = enable_grad();
        var inputs = parts.Select(layer => layer.Select(p => p.detach().clone().requires_grad_(true)).ToArray()).ToArray();
        var loss = Loss(inputs);
        var flat = inputs.SelectMany(p => p).ToArray();
        var grads = autograd.grad([loss], flat);
        var k = 0;
        return inputs.Select(layer => layer.Select(_ => grads[k++].detach()).ToArray()).ToArray();
    }

    public abstract void Dispose();

    /// <summary>Gram matrices: Σₗ wₗ · mean((Gₗ − Aₗ)²), or scaled, Σₗ wₗ · <see cref="LossFunctions.ScaledSquaredError"/>(Gₗ, Aₗ).</summary>
    private sealed class TiledGram(Tensor[][] targets, IReadOnlyList<double> layerWeights, bool scaled) : TiledStyleStatistic(layerWeights)
    {
        private readonly Tensor[] _targets = targets.Select(t => t[0]).ToArray();

        public override Tensor Loss(Tensor[][] parts) => scaled
            ? LossFunctions.WeightedSum(parts.Select(p => p[0]).ToArray(), _targets, LayerWeights, (g, a) => LossFunctions.ScaledSquaredError(g, a))
            : LossFunctions.StyleLoss(parts.Select(p => p[0]).ToArray(), _targets, LayerWeights);

        /// <summary>∂L/∂G at each layer by hand, wₗ · 2(Gₗ − Aₗ)/numel (scaled: by autograd).</summary>
        public override Tensor[][] Residuals(Tensor[][] parts)
        {
            if (scaled)
            {
                return base.Residuals(parts);
            }

            using var noGrad = no_grad();
            return parts.Select((p, l) => new[] { (p[0] - _targets[l]) * (2 * LayerWeights[l] / p[0].numel()) }).ToArray();
        }

        public override void Dispose()
        {
            foreach (var target in _targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>Gaussian fits: Σₗ wₗ · W₂²(N(μₗ, Sₗ − μₗμₗᵀ), N(μₜ, Σₜ)) / C (or its scaled form), the targets' roots computed once.</summary>
    private sealed class TiledGaussian : TiledStyleStatistic
    {
        private readonly bool _scaled;
        private readonly Tensor[] _means;
        private readonly Tensor[] _covariances;
        private readonly Tensor[] _roots;

        public TiledGaussian(Tensor[][] targets, IReadOnlyList<double> layerWeights, bool scaled)
            : base(layerWeights)
        {
            _scaled = scaled;
            _means = targets.Select(t => t[0]).ToArray();
            _covariances = targets.Select(t => (t[1] - Outer(t[0])).DetachFromDisposeScope()).ToArray();
            _roots = _covariances.Select(c => LossFunctions.MatrixSquareRoot(c).DetachFromDisposeScope()).ToArray();
            foreach (var second in targets.Select(t => t[1]))
            {
                second.Dispose();
            }
        }

        public override Tensor Loss(Tensor[][] parts)
        {
            Tensor? total = null;
            for (var l = 0; l < parts.Length; l++)
            {
                var (mean, second) = (parts[l][0], parts[l][1]);
                var loss = LossFunctions.WassersteinStyleLayerLoss(mean, second - Outer(mean), _means[l], _covariances[l], _roots[l], scaled: _scaled) * LayerWeights[l];
                total = total is null ? loss : total + loss;
            }

            return total!;
        }

        public override void Dispose()
        {
            foreach (var tensor in _means.Concat(_covariances).Concat(_roots))
            {
                tensor.Dispose();
            }
        }

        private static Tensor Outer(Tensor mean) => mean.unsqueeze(2).bmm(mean.unsqueeze(1));
    }
}
