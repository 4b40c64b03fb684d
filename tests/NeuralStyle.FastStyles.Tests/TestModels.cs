using Google.Protobuf;
using Onnx;

namespace NeuralStyle.FastStyles.Tests;

/// <summary>Small ONNX models written here with the ONNX protobuf types, each doing something whose result is known by hand.</summary>
internal static class TestModels
{
    /// <summary>A model that returns its input: the style network's signature with no network.</summary>
    public static byte[] Identity(string input = "image", string output = "stylised")
    {
        var graph = new GraphProto { Name = "identity" };
        graph.Input.Add(Image(input));
        graph.Output.Add(Image(output));
        var node = new NodeProto { OpType = "Identity", Name = "identity" };
        node.Input.Add(input);
        node.Output.Add(output);
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, ProducerName = "tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Image(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 3 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "height" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "width" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
