using System.Diagnostics;
using System.Globalization;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// A style training run on an engine's network: the destination checked and the style and preview
/// photos read before any compute, the training on a thread of its own, then the network exported
/// to ONNX and written atomically. The model's metadata says what made it.
/// </summary>
internal static class StyleTrainingRun
{
    /// <summary>The longest side of a preview.</summary>
    private const int PreviewSide = 512;

    public static async Task<StyleTrainingResult> RunAsync(NetworkCache networks, StyleTrainingOptions options, IProgress<StyleTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.OutputPath is { } output)
        {
            if (options.Photos.Concat(options.PreviewPhotos).Append(options.Style.FilePath).Any(input => input is not null && SameFile(input, output)))
            {
                throw new ArgumentException($"The trained style's path '{output}' is one of the training's inputs; choose another {nameof(StyleTrainingOptions.OutputPath)}.", nameof(StyleTrainingOptions.OutputPath));
            }

            if (AtomicFile.WhyNotWritable(output, options.OverwriteOutput, $"set {nameof(StyleTrainingOptions.OverwriteOutput)} to replace it") is { } reason)
            {
                throw new ArgumentException($"Cannot write the trained style to '{output}': {reason}.", nameof(StyleTrainingOptions.OutputPath));
            }
        }

        var loading = new ImageLoadOptions();
        var style = await options.Style.LoadAsync(loading, cancellationToken).ConfigureAwait(false);
        var previews = new List<RgbImage>(options.PreviewPhotos.Count);
        foreach (var path in options.PreviewPhotos)
        {
            previews.Add((await RgbImage.LoadAsync(path, loading, cancellationToken).ConfigureAwait(false)).ResizeToFit(PreviewSide));
        }

        var network = await networks.GetAsync(options.Precision, Pooling.Max, cancellationToken).ConfigureAwait(false);
        var skipped = new List<string>();
        var clock = Stopwatch.StartNew();
        LossTerms last = default!;
        var model = await Task.Factory.StartNew(
            () =>
            {
                int? first = null;
                using var trained = FastStyleTraining.Train(
                    network,
                    options,
                    style,
                    previews,
                    p =>
                    {
                        first ??= p.Step;
                        last = p.Losses;
                        var done = p.Step - first.Value + 1;
                        var remaining = TimeSpan.FromTicks(p.Elapsed.Ticks / done * (p.Steps - p.Step));
                        progress?.Report(new StyleTrainingProgress(p.Step, p.Steps, p.Losses, p.Elapsed, remaining, p.Previews));
                    },
                    (path, reason) => skipped.Add($"{path}: {reason}"),
                    cancellationToken);
                return TransformerNetworkExport.ToOnnx(trained, Metadata(options));
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);

        if (options.OutputPath is { } destination)
        {
            await AtomicFile.WriteAsync(destination, model, options.OverwriteOutput, cancellationToken).ConfigureAwait(false);
        }

        return new StyleTrainingResult(model, options.OutputPath, last, clock.Elapsed, skipped);
    }

    /// <summary>What the model says of itself: the style and the recipe that made it.</summary>
    private static Dictionary<string, string> Metadata(StyleTrainingOptions options)
    {
        string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["neuralstyle.style"] = options.Style.FilePath is { } file ? Path.GetFileName(file) : options.Style.Description,
            ["neuralstyle.steps"] = options.Steps.ToString(CultureInfo.InvariantCulture),
            ["neuralstyle.crop_size"] = options.CropSize.ToString(CultureInfo.InvariantCulture),
            ["neuralstyle.batch_size"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["neuralstyle.width"] = options.Width.ToString(CultureInfo.InvariantCulture),
            ["neuralstyle.style_scale"] = Number(options.StyleScale),
            ["neuralstyle.content_weight"] = Number(options.Losses.ContentWeight),
            ["neuralstyle.style_weight"] = Number(options.Losses.StyleWeight),
            ["neuralstyle.tv_weight"] = Number(options.Losses.TotalVariationWeight),
            ["neuralstyle.seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
