using PureHDF;
using PureHDF.VOL.Native;

namespace NeuralStyle;

/// <summary>
/// Reads VGG19 convolution weights from a Keras HDF5 weights file (the layout that
/// <c>model.save_weights</c> writes) by following the root attribute <c>layer_names</c> and each
/// layer's <c>weight_names</c>, and checks every shape.
/// </summary>
internal static class KerasWeightsReader
{
    /// <summary>A layer's kernel in Keras order [3, 3, in, out] and its bias [out].</summary>
    public sealed record LayerWeights(float[] Kernel, float[] Bias);

    /// <summary>Reads the first <paramref name="layerCount"/> convolutions of <see cref="Vgg19Architecture.Layers"/>.</summary>
    /// <exception cref="WeightsException">The file is missing, not HDF5, truncated, or lacks or misshapes a layer.</exception>
    public static IReadOnlyList<LayerWeights> ReadVgg19(string path, int layerCount)
    {
        if (!File.Exists(path))
        {
            throw new WeightsException($"The VGG19 weights file '{path}' does not exist.", path);
        }

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new WeightsException($"The VGG19 weights file '{path}' is not a readable HDF5 file (it may be truncated or corrupt): {ex.Message}", path, ex);
        }

        using (file)
        {
            var layerNames = ReadLayerNames(file, path);
            var result = new List<LayerWeights>(layerCount);
            foreach (var layer in Vgg19Architecture.Layers.Take(layerCount))
            {
                if (!layerNames.Contains(layer.Name))
                {
                    throw new WeightsException(
                        $"The VGG19 weights file '{path}' has no layer '{layer.Name}' in its layer_names; it is not a Keras VGG19 weights file.", path);
                }

                result.Add(ReadLayer(file, layer, path));
            }

            return result;
        }
    }

    private static HashSet<string> ReadLayerNames(NativeFile file, string path)
    {
        try
        {
            if (!file.AttributeExists("layer_names"))
            {
                throw new WeightsException($"The weights file '{path}' has no root attribute 'layer_names'; it is not a Keras weights file.", path);
            }

            return [.. file.Attribute("layer_names").Read<string[]>().Select(name => name.TrimEnd('\0'))];
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new WeightsException($"The weights file '{path}' could not be read (it may be truncated or corrupt): {ex.Message}", path, ex);
        }
    }

    private static LayerWeights ReadLayer(NativeFile file, Vgg19Architecture.ConvLayer layer, string path)
    {
        try
        {
            var group = file.Group(layer.Name);
            var weightNames = group.Attribute("weight_names").Read<string[]>().Select(name => name.TrimEnd('\0')).ToArray();
            if (weightNames.Length != 2)
            {
                throw new WeightsException(
                    $"Layer '{layer.Name}' in '{path}' lists {weightNames.Length} weights; expected 2 (kernel and bias).", path);
            }

            var kernel = ReadDataset(group, weightNames[0], layer.Name, "kernel", layer.KerasKernelShape, path);
            var bias = ReadDataset(group, weightNames[1], layer.Name, "bias", [layer.OutChannels], path);
            return new LayerWeights(kernel, bias);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new WeightsException(
                $"Layer '{layer.Name}' in '{path}' could not be read (the file may be truncated or corrupt): {ex.Message}", path, ex);
        }
    }

    private static float[] ReadDataset(IH5Group group, string name, string layer, string role, long[] expected, string path)
    {
        var dataset = group.Dataset(name);
        var found = dataset.Space.Dimensions.Select(d => (long)d).ToArray();
        if (!found.SequenceEqual(expected))
        {
            throw new WeightsException(
                $"Layer '{layer}' {role} in '{path}' has shape [{string.Join(", ", found)}]; expected [{string.Join(", ", expected)}].", path);
        }

        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size != 4)
        {
            throw new WeightsException($"Layer '{layer}' {role} in '{path}' is not float32 ({dataset.Type.Class}, {dataset.Type.Size} bytes).", path);
        }

        var values = dataset.Read<float[]>();
        if (values.Any(v => !float.IsFinite(v)))
        {
            throw new WeightsException($"Layer '{layer}' {role} in '{path}' holds NaN or infinite values; the file is corrupt.", path);
        }

        // A trained VGG19's weights are all far below this (its largest is about 10, a bias of block5_conv4); damaged bytes read as
        // floats are mostly far above it. Caught here, such a file would only show up later as a diverging run.
        if (values.Max(Math.Abs) is var largest and > PlausibleMagnitude)
        {
            throw new WeightsException(
                $"Layer '{layer}' {role} in '{path}' holds a value of {largest:G3}, far beyond any trained VGG19 weight (at most about 10); the file is corrupt: download it again.", path);
        }

        return values;
    }

    /// <summary>The largest weight magnitude a VGG19 file may hold and be taken as trained.</summary>
    private const float PlausibleMagnitude = 1000f;

    private static bool IsReadFailure(Exception ex) => ex is not WeightsException and not OutOfMemoryException;
}
