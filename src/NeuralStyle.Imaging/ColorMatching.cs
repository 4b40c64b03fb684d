namespace NeuralStyle.Imaging;

/// <summary>
/// Colour transfer by matching first and second moments: the returned pixels have the reference's
/// mean colour and 3×3 colour covariance (Gatys et al. 2017, "Controlling Perceptual Factors in
/// Neural Style Transfer", §5). Used to recolour a style image with the content's palette.
/// </summary>
/// <remarks>
/// With Σs, Σr the source and reference covariances and μs, μr their means, each pixel x becomes
/// A(x − μs) + μr with A = Σr^½ Σs^−½ (symmetric square roots), which gives exactly mean μr and
/// covariance Σr. A small ridge (1e-5) keeps flat images well defined.
/// </remarks>
public static class ColorMatching
{
    private const double Ridge = 1e-5;

    /// <summary>Matches planar RGB data (the tensor layout) to a reference's mean and covariance. The result is not clipped.</summary>
    /// <param name="source">The pixels to recolour: R, G and B planes.</param>
    /// <param name="reference">The pixels whose colour statistics to take: R, G and B planes (any size).</param>
    /// <exception cref="ArgumentException">A buffer is empty or not three planes.</exception>
    public static float[] MatchMeanAndCovariance(ReadOnlySpan<float> source, ReadOnlySpan<float> reference)
    {
        CheckPlanes(source, nameof(source));
        CheckPlanes(reference, nameof(reference));
        var (sourceMean, sourceCovariance) = Moments(source);
        var (referenceMean, referenceCovariance) = Moments(reference);
        var transform = SymmetricMatrix3.Multiply(
            SymmetricMatrix3.Power(referenceCovariance, 0.5),
            SymmetricMatrix3.Power(sourceCovariance, -0.5));

        var n = source.Length / 3;
        var result = new float[source.Length];
        for (var p = 0; p < n; p++)
        {
            var d0 = source[p] - sourceMean[0];
            var d1 = source[n + p] - sourceMean[1];
            var d2 = source[(2 * n) + p] - sourceMean[2];
            for (var c = 0; c < 3; c++)
            {
                result[(c * n) + p] = (float)((transform[c, 0] * d0) + (transform[c, 1] * d1) + (transform[c, 2] * d2) + referenceMean[c]);
            }
        }

        return result;
    }

    /// <summary>Returns <paramref name="source"/> recoloured to the mean and covariance of <paramref name="reference"/>'s colours, clipped to 8 bits.</summary>
    public static RgbImage MatchMeanAndCovariance(RgbImage source, RgbImage reference)
    {
        Guard.NotNull(source);
        Guard.NotNull(reference);
        var matched = MatchMeanAndCovariance(source.ToTensorData(), reference.ToTensorData());
        return RgbImage.FromTensorData(matched, source.Width, source.Height);
    }

    /// <summary>The per-channel mean and the 3×3 covariance (divided by N) of planar RGB data.</summary>
    private static (double[] Mean, double[,] Covariance) Moments(ReadOnlySpan<float> planes)
    {
        var n = planes.Length / 3;
        var mean = new double[3];
        for (var c = 0; c < 3; c++)
        {
            double sum = 0;
            foreach (var v in planes.Slice(c * n, n))
            {
                sum += v;
            }

            mean[c] = sum / n;
        }

        var covariance = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = i; j < 3; j++)
            {
                double sum = 0;
                for (var p = 0; p < n; p++)
                {
                    sum += (planes[(i * n) + p] - mean[i]) * (planes[(j * n) + p] - mean[j]);
                }

                covariance[i, j] = covariance[j, i] = (sum / n) + (i == j ? Ridge : 0);
            }
        }

        return (mean, covariance);
    }

    private static void CheckPlanes(ReadOnlySpan<float> planes, string name)
    {
        if (planes.Length == 0 || planes.Length % 3 != 0)
        {
            Guard.ThrowArgument($"{name} must hold three planes (R, G, B) of at least one pixel; it has {planes.Length} values.", name);
        }
    }
}
