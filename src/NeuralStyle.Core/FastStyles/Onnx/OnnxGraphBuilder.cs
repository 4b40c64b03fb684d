using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Builds an ONNX graph node by node on OnnxSharp's generated protobuf types: weights become
/// float32 initializers, every node gets a unique output name, and <see cref="ToModel"/> wraps the
/// graph in a model of one opset. Only the operators the transformer network needs are here.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The opset: 17 is the newest the Debian checker (onnx 1.12) knows, and every runtime of the last years runs it.</summary>
    public const int Opset = 17;

    /// <summary>IR version 8 goes with opset 17.</summary>
    private const long IrVersion = 8;

    private readonly GraphProto _graph = new() { Name = "neuralstyle" };
    private int _nodes;

    /// <summary>Declares a float32 NCHW input whose batch, height and width are free.</summary>
    public string Input(string name)
    {
        _graph.Input.Add(ImageValue(name));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as the graph's output, renamed to <paramref name="name"/>.</summary>
    public void Output(string value, string name)
    {
        Node("Identity", [value], name);
        _graph.Output.Add(ImageValue(name));
    }

    /// <summary>A float32 initializer with the tensor's shape and values.</summary>
    public string Weight(string name, Tensor tensor)
    {
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(values.shape);
        proto.RawData = ByteString.CopyFrom(values.bytes);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 or float constant initializer (pads, scales, clip bounds).</summary>
    public string Constant(string name, long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <inheritdoc cref="Constant(string, long[])"/>
    public string Constant(string name, float[] values, bool scalar = false)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        if (!scalar)
        {
            proto.Dims.Add(values.Length);
        }

        proto.FloatData.AddRange(values);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node; its output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var name = $"{op.ToLowerInvariant()}_{_nodes++}";
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? name);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output ?? name;
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>The model: this graph, opset <see cref="Opset"/>, and the metadata given.</summary>
    public ModelProto ToModel(IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "NeuralStyle",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static ValueInfoProto ImageValue(string name)
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
