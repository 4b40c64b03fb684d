using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// Features, losses and input gradients against ../shared/golden/vgg19_reference.json, computed by an
/// independent PyTorch implementation from the same weights. Tolerances are the golden README's.
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
    public void Losses_and_input_gradients_match_the_reference(string caseName)
    {
        var (golden, content, style) = Load();
        var expected = golden.GetProperty("losses").GetProperty(caseName);
        using var scope = NewDisposeScope();
        var extractor = SharedExtractor.Get();
        var x = (caseName == "x_gray_0.5" ? full_like(content, 0.5f) : (content * 0.5f) + 0.25f).detach().requires_grad_(true);

        var (total, contentLoss, styleLoss, tv) = Objective(extractor, content, style, x);
        total.backward();

        AssertRelative(expected.GetProperty("style").GetDouble(), styleLoss.item<float>(), 1e-3, "style");
        AssertRelative(expected.GetProperty("content").GetDouble(), contentLoss.item<float>(), 1e-3, "content");
        Assert.Equal(expected.GetProperty("tv").GetDouble(), tv.item<float>(), Math.Max(1e-3, 1e-3 * expected.GetProperty("tv").GetDouble()));
        AssertRelative(expected.GetProperty("total").GetDouble(), total.item<float>(), 1e-3, "total");
        var grad = x.grad!.to(float64);
        AssertRelative(expected.GetProperty("grad_l2_norm").GetDouble(), grad.norm().item<double>(), 1e-3, "gradient L2 norm");
        AssertRelative(expected.GetProperty("grad_sum").GetDouble(), grad.sum().item<double>(), 1e-2, "gradient sum");
    }

    [SkippableFact]
    public void Content_loss_is_zero_and_style_loss_matches_when_the_image_is_the_content()
    {
        var (golden, content, style) = Load();
        var expected = golden.GetProperty("losses").GetProperty("x_equals_content");
        using var scope = NewDisposeScope();

        var (_, contentLoss, styleLoss, _) = Objective(SharedExtractor.Get(), content, style, content);

        Assert.Equal(0.0, contentLoss.item<float>());
        AssertRelative(expected.GetProperty("style").GetDouble(), styleLoss.item<float>(), 1e-3, "style");
    }

    /// <summary>The golden objective rebuilt from the project's own loss functions, parameterised as the JSON states.</summary>
    private static (Tensor Total, Tensor Content, Tensor Style, Tensor Tv) Objective(IFeatureExtractor extractor, Tensor content, Tensor style, Tensor x)
    {
        Tensor[] contentTargets, styleTargets;
        using (no_grad())
        {
            var cf = extractor.Extract(content, ContentLayers);
            contentTargets = ContentLayers.Select(l => cf[l]).ToArray();
            var sf = extractor.Extract(style, StyleLayers);
            styleTargets = StyleLayers.Select(l => LossFunctions.GramMatrix(sf[l], GramNormalization.Positions)).ToArray();
        }

        var features = extractor.Extract(x, StyleLayers.Concat(ContentLayers).ToArray());
        var contentLoss = LossFunctions.ContentLoss(ContentLayers.Select(l => features[l]).ToArray(), contentTargets);
        var styleLoss = LossFunctions.StyleLoss(StyleLayers.Select(l => LossFunctions.GramMatrix(features[l])).ToArray(), styleTargets);
        var tv = LossFunctions.TotalVariationLoss(x, TotalVariationNorm.AbsoluteSum);
        var total = LossFunctions.TotalLoss(contentLoss, styleLoss, tv, 1e4, 1e-2, 30);
        return (total, contentLoss, styleLoss, tv);
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
