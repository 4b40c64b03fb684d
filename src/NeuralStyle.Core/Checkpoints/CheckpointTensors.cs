using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// How a checkpoint's typed state refers to its tensors: each tensor in the JSON header is its
/// index in the table of tensors whose values follow the header. Writing collects the tensors in
/// the order met; reading hands out the tensors already read, by index.
/// </summary>
internal sealed class CheckpointTensors : JsonConverter<Tensor>
{
    private readonly List<Tensor> _tensors;

    private CheckpointTensors(List<Tensor> tensors) => _tensors = tensors;

    /// <summary>The tensors, in index order.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>An empty table, filled as a state is written.</summary>
    public static CheckpointTensors ForWriting() => new([]);

    /// <summary>A table of tensors already read, for a state to refer to.</summary>
    public static CheckpointTensors ForReading(List<Tensor> tensors) => new(tensors);

    /// <summary>The serializer options that write and read tensors through this table.</summary>
    public JsonSerializerOptions Options() => new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { this },
    };

    public override Tensor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var index = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : throw new JsonException("A tensor is referred to by its index.");
        return index >= 0 && index < _tensors.Count ? _tensors[index] : throw new JsonException($"There is no tensor {index}.");
    }

    public override void Write(Utf8JsonWriter writer, Tensor value, JsonSerializerOptions options)
    {
        writer.WriteNumberValue(_tensors.Count);
        _tensors.Add(value);
    }
}
