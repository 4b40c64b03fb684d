using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// What decides a run's result, hashed: the library version, every option the arithmetic depends on,
/// the device, the tiles and optimiser of each planned scale, and the prepared images' pixels. A checkpoint
/// made under another fingerprint cannot be resumed.
/// The seed is left out: it only chooses the start image, which the checkpoint holds.
/// </summary>
internal static class RunFingerprint
{
    /// <summary>Enums by name, so that reordering one does not go unnoticed.</summary>
    private static readonly JsonSerializerOptions Settings = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>NeuralStyle's version, as checkpoints record it.</summary>
    public static string Library { get; } =
        typeof(RunFingerprint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The SHA-256 of the run's options, the device it computes on, its planned scales' tiles and its prepared images, as lower-case hex.</summary>
    public static string Compute(StyleTransferOptions options, ComputeDevice device, RunInputs inputs, IReadOnlyList<PlannedScale> scales)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(new
        {
            library = Library,
            options.OutputSize,
            options.StartSize,
            options.Iterations,
            options.StyleScale,
            colorPreservation = options.ColorPreservation.ToString(),
            pooling = options.Pooling.ToString(),
            precision = options.Precision.ToString(),
            device = device.ToString(),
            initialization = options.Initialization.Kind.ToString(),
            styleWeights = inputs.Styles.Select(s => s.Weight),
            tileSizes = scales.Select(s => s.TileSize),
            optimizers = scales.Select(s => s.Optimizer.ToString()),
        }));

        // Every setting of the loss and the optimiser, whatever settings it has now or gains later.
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(options.Optimization, Settings));
        Append(hash, inputs.Content);
        foreach (var style in inputs.Styles)
        {
            Append(hash, style.Image);
            if (style.Mask is not null)
            {
                Append(hash, style.Mask);
            }
        }

        if (inputs.Initial is not null)
        {
            Append(hash, inputs.Initial);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, RgbImage image)
    {
        hash.AppendData(BitConverter.GetBytes(image.Width));
        hash.AppendData(BitConverter.GetBytes(image.Height));
        hash.AppendData(image.Pixels);
    }
}
