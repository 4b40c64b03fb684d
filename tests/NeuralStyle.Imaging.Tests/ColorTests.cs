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
    public void Colour_matching_takes_the_reference_mean_and_covariance()
    {
        var source = Noise(40, 30, seed: 3);
        var reference = Reference(25, 20);

        var matched = ColorMatching.MatchMeanAndCovariance(source, reference);

        var (mean, covariance) = ColorMatching.Moments(matched);
        var (referenceMean, referenceCovariance) = ColorMatching.Moments(reference);
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
