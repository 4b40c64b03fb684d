namespace NeuralStyle.Imaging.Tests;

public class TensorDataTests
{
    [Fact]
    public void Layout_is_nchw_rgb_planes_in_unit_range()
    {
        // 2 × 1 image: pixel 0 = (255, 0, 51), pixel 1 = (0, 102, 255).
        var image = new RgbImage(2, 1, [255, 0, 51, 0, 102, 255]);

        var data = image.ToTensorData();

        Assert.Equal([1f, 0f, 0f, 102 / 255f, 51 / 255f, 1f], data);
    }

    [Fact]
    public void Round_trip_is_exact()
    {
        var image = TestImages.Gradient(37, 23);

        var back = RgbImage.FromTensorData(image.ToTensorData(), 37, 23);

        Assert.Equal(image.Pixels.ToArray(), back.Pixels.ToArray());
    }

    [Fact]
    public void Values_are_clipped_and_rounded()
    {
        // Planes: R = (-0.5, 1.5), G = (0.5, 0.002), B = (0.998, 1).
        float[] data = [-0.5f, 1.5f, 0.5f, 0.002f, 0.998f, 1f];

        var image = RgbImage.FromTensorData(data, 2, 1);

        Assert.Equal(new RgbColor(0, 128, 254), image.GetPixel(0, 0));
        Assert.Equal(new RgbColor(255, 1, 255), image.GetPixel(1, 0));
    }

    [Fact]
    public void Nan_is_refused_not_saved()
    {
        float[] data = [0f, float.NaN, 0f];

        var ex = Assert.Throws<ArgumentException>(() => RgbImage.FromTensorData(data, 1, 1));

        Assert.Contains("NaN", ex.Message);
    }

    [Fact]
    public void Wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RgbImage.FromTensorData(new float[11], 2, 2));
    }
}
