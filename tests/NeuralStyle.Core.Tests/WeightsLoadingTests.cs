using PureHDF;

namespace NeuralStyle.Core.Tests;

/// <summary>Broken weights files (written by the test) each give a <see cref="WeightsException"/> that says what is wrong.</summary>
public sealed class WeightsLoadingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-weights-").FullName;

    [Fact]
    public void Missing_file_is_named()
    {
        var path = Path.Combine(_folder, "absent.h5");

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path));

        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.WeightsPath);
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_refused()
    {
        var path = Path.Combine(_folder, "text.h5");
        File.WriteAllText(path, "not an HDF5 file at all, just some text that is long enough to be read");

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path));

        Assert.Contains("HDF5", ex.Message);
    }

    [Fact]
    public void Wrong_kernel_shape_names_the_layer_the_expected_and_the_found_shape()
    {
        var path = Write(("block1_conv1", [3, 3, 3, 32], 32));

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path, deepestLayer: "block1_conv1"));

        Assert.Contains("block1_conv1", ex.Message);
        Assert.Contains("[3, 3, 3, 64]", ex.Message);
        Assert.Contains("[3, 3, 3, 32]", ex.Message);
    }

    [Fact]
    public void Wrong_bias_shape_is_refused()
    {
        var path = Write(("block1_conv1", [3, 3, 3, 64], 63));

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path, deepestLayer: "block1_conv1"));

        Assert.Contains("bias", ex.Message);
        Assert.Contains("[64]", ex.Message);
        Assert.Contains("[63]", ex.Message);
    }

    [Fact]
    public void Missing_layer_is_named()
    {
        var path = Write(("block1_conv1", [3, 3, 3, 64], 64));

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path, deepestLayer: "block1_conv2"));

        Assert.Contains("block1_conv2", ex.Message);
    }

    [Fact]
    public void A_correct_small_file_loads_and_computes_the_expected_activation()
    {
        // Every kernel weight 0.01 and bias 1: a white pixel's caffe input is (255 − mean) per channel.
        var path = Write(("block1_conv1", [3, 3, 3, 64], 64));
        using var extractor = Vgg19FeatureExtractor.FromFile(path, deepestLayer: "block1_conv1");
        using var scope = TorchSharp.torch.NewDisposeScope();
        var image = TorchSharp.torch.ones(1, 3, 3, 3);

        var feature = extractor.Extract(image, ["block1_conv1"])["block1_conv1"];

        // The centre pixel sees all 9 neighbours: 0.01 × 9 × Σ(255 − mean) + 1.
        var expected = (0.01 * 9 * ((255 - 103.939) + (255 - 116.779) + (255 - 123.68))) + 1;
        Assert.Equal(expected, feature[0, 0, 1, 1].item<float>(), 3);
        Assert.Equal(["block1_conv1"], extractor.LayerNames);
    }

    [Fact]
    public void Finite_but_absurd_weights_are_refused_as_corrupt_instead_of_diverging_later()
    {
        // 3.4e30: what four damaged bytes often read as. A trained VGG19's largest weight is about 10.
        var path = Write(3.4e30f, ("block1_conv1", [3, 3, 3, 64], 64));

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path, deepestLayer: "block1_conv1"));

        Assert.Equal($"Layer 'block1_conv1' kernel in '{path}' holds a value of 3.4E+30, far beyond any trained VGG19 weight (at most about 10); the file is corrupt: download it again.", ex.Message);
    }

    [SkippableFact]
    public void Truncated_real_file_is_refused_as_corrupt()
    {
        var real = TestEnvironment.RequireWeights();
        var path = Path.Combine(_folder, "truncated.h5");
        using (var source = File.OpenRead(real))
        using (var target = File.Create(path))
        {
            var buffer = new byte[3_000_000];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }

        var ex = Assert.Throws<WeightsException>(() => Vgg19FeatureExtractor.FromFile(path));

        Assert.Contains(path, ex.Message);
        Assert.Matches("truncated|corrupt", ex.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes a Keras-layout weights file holding the given conv layers (kernel 0.01, bias 1).</summary>
    private string Write(params (string Name, ulong[] KernelShape, int BiasLength)[] layers) => Write(0.01f, layers);

    private string Write(float kernelValue, params (string Name, ulong[] KernelShape, int BiasLength)[] layers)
    {
        var file = new H5File();
        foreach (var (name, shape, biasLength) in layers)
        {
            var count = (int)(shape[0] * shape[1] * shape[2] * shape[3]);
            var inner = new H5Group
            {
                ["kernel:0"] = new H5Dataset(Enumerable.Repeat(kernelValue, count).ToArray(), fileDims: shape),
                ["bias:0"] = new H5Dataset(Enumerable.Repeat(1f, biasLength).ToArray()),
            };
            var group = new H5Group { [name] = inner };
            group.Attributes["weight_names"] = new[] { $"{name}/kernel:0", $"{name}/bias:0" };
            file[name] = group;
        }

        file.Attributes["layer_names"] = new[] { "input_1" }.Concat(layers.Select(l => l.Name)).ToArray();
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".h5");
        file.Write(path);
        return path;
    }
}
