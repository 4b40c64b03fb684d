using NeuralStyle.Imaging;
using NeuralStyle.Tests;

namespace NeuralStyle.FastStyles.Tests;

/// <summary>Loading and applying a model on ONNX Runtime alone: signatures, errors, sizes and tiles.</summary>
public sealed class FastStyleModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-faststyles-").FullName;

    [Theory]
    [InlineData(200, 150, 64, 16)]
    [InlineData(301, 97, 64, 24)]
    [InlineData(130, 130, 128, 16)]
    public async Task Tiles_blend_back_into_exactly_the_picture_a_pointwise_model_gives_whole(int width, int height, int maxTile, int overlap)
    {
        // An identity network makes every tile's output its input, so any misplaced tile or weight
        // that does not normalise shows as a changed pixel.
        var photo = Noise(width, height, seed: width);
        using var model = FastStyleModel.Load(TestModels.Identity(), "identity", new FastStyleModelOptions { MaxTileSide = maxTile, TileOverlap = overlap });

        var result = await model.ApplyAsync(photo);

        Assert.Equal(photo.Width, result.Width);
        Assert.Equal(photo.Height, result.Height);
        Assert.Equal(photo.Pixels.ToArray(), result.Pixels.ToArray());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(37, 23)]
    [InlineData(5, 90)]
    public async Task Any_size_comes_back_at_its_own_size_with_its_own_pixels(int width, int height)
    {
        var photo = Noise(width, height, seed: 3);
        using var model = FastStyleModel.Load(TestModels.Identity(), "identity");

        var result = await model.ApplyAsync(photo);

        Assert.Equal(photo.Pixels.ToArray(), result.Pixels.ToArray());
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_in_one_line_naming_it()
    {
        var path = Path.Combine(_folder, "notes.onnx");
        File.WriteAllText(path, "not a model");

        var error = Assert.Throws<FastStyleModelException>(() => FastStyleModel.Load(path));

        Assert.StartsWith($"Cannot use the trained style '{path}': it is not a readable ONNX model", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_model_with_other_inputs_is_refused_naming_what_it_has()
    {
        var error = Assert.Throws<FastStyleModelException>(() => FastStyleModel.Load(TestModels.Identity(input: "pixels"), "other"));

        Assert.Contains("not a style network (inputs: pixels; outputs: stylised;", error.Message);
    }

    [Fact]
    public void A_missing_file_and_a_folder_are_refused_before_loading()
    {
        Assert.EndsWith("there is no such file.", Assert.Throws<FastStyleModelException>(() => FastStyleModel.Load(Path.Combine(_folder, "none.onnx"))).Message);
        Assert.EndsWith("it is a folder; give the .onnx file.", Assert.Throws<FastStyleModelException>(() => FastStyleModel.Load(_folder)).Message);
    }

    [Fact]
    public async Task A_cancelled_call_throws_and_the_model_goes_on_serving()
    {
        using var model = FastStyleModel.Load(TestModels.Identity(), "identity");
        var photo = Noise(64, 48, seed: 5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.ApplyAsync(photo, new CancellationToken(canceled: true)));
        var result = await model.ApplyAsync(photo);

        Assert.Equal(photo.Pixels.ToArray(), result.Pixels.ToArray());
    }

    [Fact]
    public void Options_that_contradict_each_other_are_refused_when_loading()
    {
        var error = Assert.Throws<ArgumentException>(() => FastStyleModel.Load(TestModels.Identity(), "identity", new FastStyleModelOptions { MaxTileSide = 64, TileOverlap = 48 }));

        Assert.Contains("TileOverlap (48) must be at most half of MaxTileSide (64)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastStyleModelOptions { MaxConcurrency = 0 });
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }
}
