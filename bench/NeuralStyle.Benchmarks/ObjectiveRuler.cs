using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The one ruler every result is measured by: the total loss of an 8-bit image under a run's
/// options, computed in float32 at the output size (content and style resized the way a run
/// resizes them). One evaluation per image; the optimiser step it takes is thrown away.
/// </summary>
internal sealed class ObjectiveRuler : IDisposable
{
    private readonly Vgg19FeatureExtractor _extractor;
    private readonly Tensor _content;
    private readonly Tensor _style;
    private readonly StyleTransferOptions _options;

    public ObjectiveRuler(string weights, string contentPath, string stylePath, StyleTransferOptions options)
    {
        _options = options with { Precision = ComputePrecision.Float32 };
        _extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: "block5_conv2");
        _content = ImageTensors.ToTensor(RgbImage.Load(contentPath).ResizeToFit(options.OutputSize, allowUpscale: true));
        _style = ImageTensors.ToTensor(RgbImage.Load(stylePath).ResizeToFit(options.OutputSize, allowUpscale: true));
    }

    /// <summary>The objective of <paramref name="image"/> (which must have the output size).</summary>
    public double Measure(RgbImage image) => MeasureTerms(image).Total;

    /// <summary>The objective of <paramref name="image"/> and its terms (unweighted; which must have the output size), against the ruler's content or <paramref name="content"/> (a video's frame, of the image's size).</summary>
    public LossTerms MeasureTerms(RgbImage image, RgbImage? content = null)
    {
        using var scope = NewDisposeScope();
        var contentTensor = content is null ? _content : ImageTensors.ToTensor(content);
        using var optimizer = new StyleOptimizer(_extractor, contentTensor, _style, ImageTensors.ToTensor(image), _options.Optimization);
        return optimizer.Step(); // The loss of the image before the step.
    }

    public void Dispose()
    {
        _content.Dispose();
        _style.Dispose();
        _extractor.Dispose();
    }
}
