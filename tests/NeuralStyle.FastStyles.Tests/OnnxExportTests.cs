using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.FastStyles.Tests;

/// <summary>
/// A trained network's ONNX export, checked by tools that are not ours: the ONNX project's own
/// checker (Debian's python3-onnx, full check with shape inference), and ONNX Runtime's output
/// against the TorchSharp network's on the shared photos.
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    /// <summary>
    /// ONNX Runtime and libtorch sum the convolutions in different orders; through the network's 18
    /// convolutions and 15 instance norms the float32 outputs differ by at most this much on [0, 1]
    /// pixels (the largest measured on the three photos was 1.0e-5; the test prints each).
    /// </summary>
    private const float MaxDifference = 1e-4f;

    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-export-").FullName;

    [SkippableFact]
    public void An_exported_network_passes_the_onnx_projects_full_check()
    {
        Skip.IfNot(OnnxChecker.IsInstalled, "python3-onnx is not installed (apt-get install python3-onnx; .ci/run installs it).");
        using var network = RandomNetwork(width: 8, seed: 1);
        var path = Path.Combine(_folder, "style.onnx");
        File.WriteAllBytes(path, TransformerNetworkExport.ToOnnx(network, new Dictionary<string, string> { ["neuralstyle.style"] = "test" }));

        var (exitCode, output) = OnnxChecker.Check(path);

        Assert.True(exitCode == 0, output);
        Assert.Equal("ok opset 17, input image [batch, 3, height, width], output stylised [batch, 3, height, width]", output.Trim());
    }

    [SkippableTheory]
    [InlineData("tubingen.jpg")]
    [InlineData("chicago.jpg")]
    [InlineData("stata.jpg")]
    public async Task OnnxRuntime_gives_what_the_TorchSharp_network_gives_on_a_real_photo(string name)
    {
        var images = TestImages.Require();
        using var network = RandomNetwork(width: 16, seed: 2);
        var fitted = RgbImage.Load(Path.Combine(images, name)).ResizeToFit(200);
        var photo = fitted.Resize(fitted.Width / 4 * 4, fitted.Height / 4 * 4); // the TorchSharp network takes multiples of 4 only
        var expected = Forward(network, photo);
        using var model = FastStyleModel.Load(TransformerNetworkExport.ToOnnx(network, new Dictionary<string, string>()), name);

        var actual = OnnxForward(model, photo);
        var stylised = await model.ApplyAsync(photo);

        var largest = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Console.WriteLine($"{name}: {photo.Width} × {photo.Height}, largest difference {largest:E2}");
        Assert.True(largest <= MaxDifference, $"ONNX Runtime differs from TorchSharp by {largest:E2} on {name}.");
        var levels = RgbImage.FromTensorData(expected, photo.Width, photo.Height).Pixels.ToArray().Zip(stylised.Pixels.ToArray(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(levels <= 1, $"The applied picture differs from TorchSharp's by {levels} levels.");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A network whose every weight is random, the instance norms' scales and shifts too (they start at 1 and 0), so a weight exported to the wrong place shows.</summary>
    private static TransformerNetwork RandomNetwork(int width, int seed)
    {
        manual_seed(seed);
        var network = new TransformerNetwork(width);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.Contains(".norm", StringComparison.Ordinal))
            {
                _ = name.EndsWith(".weight", StringComparison.Ordinal) ? parameter.uniform_(0.5, 1.5) : parameter.uniform_(-0.3, 0.3);
            }
        }

        return network;
    }

    /// <summary>The TorchSharp network's output on the photo cut to sides of multiples of 4, clamped to [0, 1] as the export does, as planes.</summary>
    private static float[] Forward(TransformerNetwork network, RgbImage photo)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(photo.ToTensorData(), [1, 3, photo.Height, photo.Width]);
        return network.forward(input).clamp(0, 1).data<float>().ToArray();
    }

    /// <summary>ONNX Runtime's output on the same input, through the model's own session.</summary>
    private static float[] OnnxForward(FastStyleModel model, RgbImage photo) => model.RunWhole(photo.ToTensorData(), photo.Width, photo.Height);
}
