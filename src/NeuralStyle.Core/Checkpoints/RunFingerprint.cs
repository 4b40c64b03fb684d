using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// What decides a run's result, hashed: the library version, every option the arithmetic depends on,
/// the tiles each scale is optimised in, and the prepared images' pixels. A checkpoint made under another fingerprint cannot be resumed.
/// The seed is left out: it only chooses the start image, which the checkpoint holds.
/// </summary>
internal static class RunFingerprint
{
    /// <summary>NeuralStyle's version, as checkpoints record it.</summary>
    public static string Library { get; } =
        typeof(RunFingerprint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The SHA-256 of the run's options, its planned scales' tiles and its prepared images, as lower-case hex.</summary>
    public static string Compute(StyleTransferOptions options, RunInputs inputs, IReadOnlyList<PlannedScale> scales)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var settings = options.Optimization;
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
            device = options.Device.ToString(),
            initialization = options.Initialization.Kind.ToString(),
            contentLayers = settings.ContentLayers.Select(l => new { l.Layer, l.Weight }),
            styleLayers = settings.StyleLayers.Select(l => new { l.Layer, l.Weight }),
            settings.ContentWeight,
            settings.StyleWeight,
            settings.TotalVariationWeight,
            totalVariationNorm = settings.TotalVariationNorm.ToString(),
            optimizer = settings.Optimizer.ToString(),
            adam = new { settings.Adam.LearningRate, settings.Adam.Beta1, settings.Adam.Beta2, settings.Adam.Epsilon },
            lbfgs = new { settings.Lbfgs.LearningRate, settings.Lbfgs.HistorySize, settings.Lbfgs.SwitchToAdamAfter },
            settings.AveragingDecay,
            styleWeights = inputs.Styles.Select(s => s.Weight),
            tileSizes = scales.Select(s => s.TileSize),
        }));
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
