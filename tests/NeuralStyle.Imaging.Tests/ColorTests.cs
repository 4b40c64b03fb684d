namespace NeuralStyle.Imaging.Tests;

public class ColorTests
{
    [Fact]
    public void YCbCr_of_known_colours()
    {
        // Planes for 3 pixels: white, black, pure red.
        float[] rgb = [1, 0, 1, 1, 0, 0, 1, 0, 0];
        var ycbcr = new float[9];

        YCbCr.FromRgb(rgb, ycbcr);

        Assert.Equal(1f, ycbcr[0], 5);
        Assert.Equal(0.5f, ycbcr[3], 5);
        Assert.Equal(0.5f, ycbcr[6], 5);
        Assert.Equal(0f, ycbcr[1], 5);
        Assert.Equal(0.299f, ycbcr[2], 5);
        Assert.Equal(0.5f - 0.168736f, ycbcr[5], 5);
        Assert.Equal(1f, ycbcr[8], 5);
    }

    [Fact]
    public void YCbCr_round_trips_within_a_rounding_error()
    {
        var rgb = TestImages.Gradient(17, 9).ToTensorData();
        var buffer = new float[rgb.Length];

        YCbCr.FromRgb(rgb, buffer);
        YCbCr.ToRgb(buffer, buffer);

        for (var i = 0; i < rgb.Length; i++)
        {
            Assert.Equal(rgb[i], buffer[i], 1e-5f);
        }
    }

    [Fact]
    public void Colour_matching_gives_a_hand_computed_mean_and_covariance()
    {
        // Six reference pixels: (0.5, 0.4, 0.3) ± 0.3 in R, ± 0.15 in G, ± 0.06 in B, one axis at a
        // time. Mean (0.5, 0.4, 0.3); variances 2·0.3²/6 = 0.03, 2·0.15²/6 = 0.0075, 2·0.06²/6 = 0.0012;
        // no covariance between channels.
        float[] reference =
        [
            0.8f, 0.2f, 0.5f, 0.5f, 0.5f, 0.5f,
            0.4f, 0.4f, 0.55f, 0.25f, 0.4f, 0.4f,
            0.3f, 0.3f, 0.3f, 0.3f, 0.36f, 0.24f,
        ];

        var matched = ColorMatching.MatchMeanAndCovariance(Noise(40, 30, seed: 3), reference);

        var (mean, covariance) = IndependentMoments(matched);
        Assert.Equal([0.5, 0.4, 0.3], mean.Select(m => Math.Round(m, 4)));
        double[,] expected = { { 0.03, 0, 0 }, { 0, 0.0075, 0 }, { 0, 0, 0.0012 } };
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], covariance[i, j], 1e-4); // The ridge (1e-5) shifts each variance by at most about that much.
            }
        }
    }

    [Fact]
    public void Colour_matching_takes_a_correlated_reference_s_mean_and_covariance()
    {
        var source = Noise(40, 30, seed: 3);
        var reference = Reference(25, 20);

        var matched = ColorMatching.MatchMeanAndCovariance(source, reference);

        var (mean, covariance) = IndependentMoments(matched);
        var (referenceMean, referenceCovariance) = IndependentMoments(reference);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(referenceMean[i], mean[i], 1e-4);
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(referenceCovariance[i, j], covariance[i, j], 1e-4);
            }
        }
    }

    [Fact]
    public void Colour_matching_an_image_to_itself_changes_nothing()
    {
        var source = TestImages.Gradient(20, 10).ToTensorData();

        var matched = ColorMatching.MatchMeanAndCovariance(source, source);

        for (var i = 0; i < source.Length; i++)
        {
            Assert.Equal(source[i], matched[i], 1e-3f);
        }
    }

    /// <summary>Mean and covariance (divided by N) of planar RGB data, written here from the definitions (two passes, no shared code with the library).</summary>
    private static (double[] Mean, double[,] Covariance) IndependentMoments(float[] planes)
    {
        var n = planes.Length / 3;
        var mean = new double[3];
        for (var c = 0; c < 3; c++)
        {
            mean[c] = planes.Skip(c * n).Take(n).Sum(v => (double)v) / n;
        }

        var covariance = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                double sum = 0;
                for (var p = 0; p < n; p++)
                {
                    sum += (planes[(i * n) + p] - mean[i]) * (planes[(j * n) + p] - mean[j]);
                }

                covariance[i, j] = sum / n;
            }
        }

        return (mean, covariance);
    }

    private static float[] Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 3 * width * height).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static float[] Reference(int width, int height)
    {
        // Warm, correlated colours: a different mean and covariance from the gradient.
        var n = width * height;
        var data = new float[3 * n];
        var random = new Random(7);
        for (var p = 0; p < n; p++)
        {
            var t = (float)random.NextDouble();
            data[p] = 0.6f + (0.3f * t);
            data[n + p] = 0.3f + (0.2f * t) + (0.1f * (float)random.NextDouble());
            data[(2 * n) + p] = 0.1f + (0.05f * (float)random.NextDouble());
        }

        return data;
    }
}
