using Google.Protobuf;

namespace NeuralStyle.Tests;

/// <summary>Small ONNX models whose result is known by hand, written with the exporter's graph builder (shared by the FastStyles and web tests).</summary>
internal static class TestModels
{
    /// <summary>A model that returns its input: the style network's signature with no network.</summary>
    public static byte[] Identity(string input = "image", string output = "stylised")
    {
        var graph = new OnnxGraphBuilder();
        graph.Output(graph.Input(input), output);
        return graph.ToModel(new Dictionary<string, string>()).ToByteArray();
    }
}
