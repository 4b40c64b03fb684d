using Google.Protobuf;
using static NeuralStyle.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Writes a <see cref="TransformerNetwork"/> as an ONNX model that ONNX Runtime (native, or
/// onnxruntime-web in a browser) runs without libtorch: the same layers in the same order
/// (reflection Pad then Conv, InstanceNormalization, Relu, Add for the residuals, nearest Resize
/// for the up-sampling), then Clip to [0, 1]. Input <c>image</c> and output <c>stylised</c> are
/// float32 N × 3 × H × W in [0, 1], H and W multiples of 4.
/// </summary>
/// <remarks>
/// Written by hand rather than traced: TorchSharp has no ONNX exporter, and the network is small
/// and fixed. The layer names follow TorchSharp's names for <see cref="TransformerNetwork"/>'s modules, so a change
/// there that this file does not follow fails the export (a missing weight) or the test that
/// compares ONNX Runtime's output with TorchSharp's.
/// </remarks>
internal static class TransformerNetworkExport
{
    /// <summary>The input's name in the exported model.</summary>
    public const string InputName = "image";

    /// <summary>The output's name in the exported model.</summary>
    public const string OutputName = "stylised";

    /// <summary>Metadata key: the side that picture sides must be a multiple of.</summary>
    public const string SideMultipleKey = "neuralstyle.side_multiple";

    /// <summary>InstanceNorm2d's epsilon in TorchSharp (and PyTorch).</summary>
    private const float NormEpsilon = 1e-5f;

    /// <summary>The model's bytes (protobuf), with <paramref name="metadata"/> as its metadata properties.</summary>
    public static byte[] ToOnnx(TransformerNetwork network, IReadOnlyDictionary<string, string> metadata)
    {
        using var scope = NewDisposeScope();
        var weights = network.state_dict();
        var graph = new OnnxGraphBuilder();
        var x = graph.Input(InputName);
        x = Layer(graph, weights, x, "_encoder.conv1", "_encoder.norm1", stride: 1, relu: true);
        x = Layer(graph, weights, x, "_encoder.conv2", "_encoder.norm2", stride: 2, relu: true);
        x = Layer(graph, weights, x, "_encoder.conv3", "_encoder.norm3", stride: 2, relu: true);
        for (var block = 0; block < network.ResidualBlocks; block++)
        {
            var prefix = $"_residuals.{block}._body";
            var y = Layer(graph, weights, x, $"{prefix}.conv1", $"{prefix}.norm1", stride: 1, relu: true);
            y = Layer(graph, weights, y, $"{prefix}.conv2", $"{prefix}.norm2", stride: 1, relu: false);
            x = graph.Node("Add", [x, y]);
        }

        x = Layer(graph, weights, Upsample(graph, x), "_decoder.conv4", "_decoder.norm4", stride: 1, relu: true);
        x = Layer(graph, weights, Upsample(graph, x), "_decoder.conv5", "_decoder.norm5", stride: 1, relu: true);
        x = Layer(graph, weights, x, "_decoder.conv6", norm: null, stride: 1, relu: false);
        x = graph.Node("Clip", [x, graph.Constant("clip_min", [0f], scalar: true), graph.Constant("clip_max", [1f], scalar: true)]);
        graph.Output(x, OutputName);

        var properties = new Dictionary<string, string>(metadata) { [SideMultipleKey] = "4" };
        return graph.ToModel(properties).ToByteArray();
    }

    /// <summary>Reflection padding by half the kernel, the convolution, then instance normalisation and ReLU where the network has them.</summary>
    private static string Layer(OnnxGraphBuilder graph, IDictionary<string, Tensor> weights, string input, string conv, string? norm, int stride, bool relu)
    {
        var weight = Find(weights, $"{conv}.weight");
        var kernel = weight.shape[2];
        var pad = kernel / 2;
        var padded = graph.Node(
            "Pad",
            [input, graph.Constant($"{conv}.pads", [0, 0, pad, pad, 0, 0, pad, pad])],
            attributes: Attribute("mode", "reflect"));
        var x = graph.Node(
            "Conv",
            [padded, graph.Weight($"{conv}.weight", weight), graph.Weight($"{conv}.bias", Find(weights, $"{conv}.bias"))],
            attributes: [Attribute("kernel_shape", [kernel, kernel]), Attribute("strides", [(long)stride, stride])]);
        if (norm is not null)
        {
            x = graph.Node(
                "InstanceNormalization",
                [x, graph.Weight($"{norm}.weight", Find(weights, $"{norm}.weight")), graph.Weight($"{norm}.bias", Find(weights, $"{norm}.bias"))],
                attributes: Attribute("epsilon", NormEpsilon));
        }

        return relu ? graph.Node("Relu", [x]) : x;
    }

    /// <summary>Nearest-neighbour resize by 2: output pixel i takes input pixel floor(i / 2), as TorchSharp's Upsample does.</summary>
    private static string Upsample(OnnxGraphBuilder graph, string input) =>
        graph.Node(
            "Resize",
            [input, "", graph.Constant($"scales_{input}", [1f, 1f, 2f, 2f])],
            attributes: [Attribute("mode", "nearest"), Attribute("coordinate_transformation_mode", "asymmetric"), Attribute("nearest_mode", "floor")]);

    private static Tensor Find(IDictionary<string, Tensor> weights, string name) =>
        weights.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidOperationException($"The network has no weight '{name}' (its first is '{weights.Keys.FirstOrDefault()}'); the ONNX export does not follow {nameof(TransformerNetwork)}.");
}
