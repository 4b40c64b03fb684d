using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// Features, and the losses and input gradients of the objective a run minimises, against
/// ../shared/golden/vgg19_reference.json, computed by an independent PyTorch implementation from the
/// same weights. Tolerances are the golden README's.
/// </summary>
public class GoldenTests
{
    private static readonly string[] StyleLayers = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"];
    private static readonly string[] ContentLayers = ["block5_conv2"];

    [SkippableFact]
    public void Features_of_every_layer_match_the_reference()
    {
        var (golden, content, _) = Load();
        using var scope = NewDisposeScope();
        var extractor = SharedExtractor.Get();

        var features = extractor.Extract(content, Vgg19FeatureExtractor.AllLayerNames.ToArray());

        foreach (var layer in golden.GetProperty("features_of_content").EnumerateObject())
        {
            var expected = layer.Value;
            var f = features[layer.Name];
            Assert.Equal(expected.GetProperty("shape_nchw").EnumerateArray().Select(e => e.GetInt64()), f.shape);
            var f64 = f.to(float64);
            AssertRelative(expected.GetProperty("sum").GetDouble(), f64.sum().item<double>(), 1e-4, $"{layer.Name} sum");
            AssertRelative(expected.GetProperty("sum_sq").GetDouble(), f64.square().sum().item<double>(), 1e-4, $"{layer.Name} sum_sq");
            var gram = LossFunctions.GramMatrix(f64);
            AssertRelative(expected.GetProperty("gram_trace").GetDouble(), gram[0].trace().item<double>(), 1e-4, $"{layer.Name} gram trace");
            AssertRelative(expected.GetProperty("gram_sum").GetDouble(), gram.sum().item<double>(), 1e-4, $"{layer.Name} gram sum");
            var first8 = f.flatten()[..8].data<float>().ToArray();
            var expectedFirst8 = expected.GetProperty("first8").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (var i = 0; i < 8; i++)
            {
                Assert.True(Math.Abs(expectedFirst8[i] - first8[i]) <= 1e-3 * Math.Max(1, Math.Abs(expectedFirst8[i])), $"{layer.Name} first8[{i}]: {expectedFirst8[i]} vs {first8[i]}");
            }
        }
    }

    [SkippableTheory]
    [InlineData("x_gray_0.5")]
    [InlineData("x_half_content_plus_quarter")]
    public void Losses_and_input_gradients_of_the_objective_that_runs_match_the_reference(string caseName)
    {
        var (golden, content, style) = Load();
        var expected = golden.GetProperty("losses").GetProperty(caseName);
        using var scope = NewDisposeScope();
        using var objective = Objective(SharedExtractor.Get(), content, style);
        var x = caseName == "x_gray_0.5" ? full_like(content, 0.5f) : (content * 0.5f) + 0.25f;
        var gradient = zeros_like(x);

        var terms = objective.Evaluate(x, gradient);

        AssertRelative(expected.GetProperty("style").GetDouble(), terms.Style, 1e-3, "style");
        AssertRelative(expected.GetProperty("content").GetDouble(), terms.Content, 1e-3, "content");
        Assert.Equal(expected.GetProperty("tv").GetDouble(), terms.TotalVariation, Math.Max(1e-3, 1e-3 * expected.GetProperty("tv").GetDouble()));
        AssertRelative(expected.GetProperty("total").GetDouble(), terms.Total, 1e-3, "total");
        var grad = gradient.to(float64);
        AssertRelative(expected.GetProperty("grad_l2_norm").GetDouble(), grad.norm().item<double>(), 1e-3, "gradient L2 norm");
        AssertRelative(expected.GetProperty("grad_sum").GetDouble(), grad.sum().item<double>(), 1e-2, "gradient sum");
    }

    [SkippableFact]
    public void Content_loss_is_zero_and_style_loss_matches_when_the_image_is_the_content()
    {
        var (golden, content, style) = Load();
        var expected = golden.GetProperty("losses").GetProperty("x_equals_content");
        using var scope = NewDisposeScope();
        using var objective = Objective(SharedExtractor.Get(), content, style);

        var terms = objective.Evaluate(content, null);

        Assert.Equal(0.0, terms.Content);
        AssertRelative(expected.GetProperty("style").GetDouble(), terms.Style, 1e-3, "style");
    }

    /// <summary>
    /// The objective a run minimises (the whole image's, with autograd), set up as the JSON states:
    /// content at block5_conv2, style the mean over block1_conv1 … block5_conv1 (the default weights,
    /// 0.2 each), the total variation summed, weights 1e4, 1e-2 and 30.
    /// </summary>
    private static WholeImageObjective Objective(IFeatureExtractor extractor, Tensor content, Tensor style)
    {
        var settings = new StyleOptimizerSettings
        {
            ContentLayers = ContentLayers.Select(l => new LayerWeight(l, 1)).ToArray(),
            StyleLayers = StyleLayers.Select(l => new LayerWeight(l, 1.0 / StyleLayers.Length)).ToArray(),
            ContentWeight = 1e4,
            StyleWeight = 1e-2,
            TotalVariationWeight = 30,
            TotalVariationNorm = TotalVariationNorm.AbsoluteSum,
            StyleStatistic = StyleStatistic.Gram,
            LossNormalization = LossNormalization.None,
        };
        return new WholeImageObjective(new StyleObjective(extractor, content, [new StyleTensor(style)], settings));
    }

    private static (JsonElement Golden, Tensor Content, Tensor Style) Load()
    {
        var folder = TestEnvironment.RequireGolden();
        TestEnvironment.RequireWeights();
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "vgg19_reference.json"))).RootElement;
        var content = ReadRaw(Path.Combine(folder, "content_3x48x64.f32"), 48, 64);
        var style = ReadRaw(Path.Combine(folder, "style_3x40x64.f32"), 40, 64);
        return (golden, content, style);
    }

    private static Tensor ReadRaw(string path, int height, int width)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        Assert.Equal(3 * height * width, values.Length);
        return tensor(values, [1, 3, height, width]).DetachFromDisposeScope();
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"{what}: expected {expected}, got {actual} (relative error {Math.Abs(expected - actual) / Math.Abs(expected):E2}, tolerance {tolerance:E0})");
}
