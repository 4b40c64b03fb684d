using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The trained styles against the optimisation they replace, on the shared photos (never trained on):
/// the time to apply each model at 512 and 1024 px (median of several runs after a warm-up, decoding
/// excluded) and the process's peak memory after them (before VGG19 is loaded); the default
/// optimisation of the same photo at 512 px (timed, once per pair, its result kept in the output
/// folder so that a rerun skips it); and the quality of both on the TensorFlow tutorial's objective
/// (content block5_conv2 1e4, Gram style 1e-2 over block1_conv1…block5_conv1, no total variation,
/// float32, 512 px). Writes fast-styles-DATE.json and the images of docs/gallery.md's contact sheet.
/// </summary>
internal static class FastStyleBench
{
    public static async Task RunAsync(string weights, string images, string stylesFolder, string[] photos, int repeats, string outFolder)
    {
        var models = Directory.GetFiles(stylesFolder, "*.onnx").Order(StringComparer.Ordinal).ToArray();
        if (models.Length == 0)
        {
            throw new InvalidOperationException($"No trained styles (.onnx) in {stylesFolder}.");
        }

        var cache = Path.Combine(outFolder, "fast-styles-optimised");
        var gallery = Path.Combine(outFolder, "fast-styles-gallery");
        Directory.CreateDirectory(cache);
        Directory.CreateDirectory(gallery);
        Console.WriteLine($"fast styles on {Machine.Summary()}: {models.Length} model(s) × {photos.Length} photo(s)");

        // 1. Applying, alone in the process: no libtorch tensors yet, so the peak is ONNX Runtime's.
        var applied = new List<(string Model, string Style, string Photo, double Seconds512, double Seconds1024, RgbImage Output512)>();
        foreach (var modelPath in models)
        {
            using var model = FastStyleModel.Load(modelPath);
            var style = model.Metadata.GetValueOrDefault("neuralstyle.style") ?? throw new InvalidOperationException($"{modelPath} does not name its style (neuralstyle.style).");
            foreach (var photoName in photos)
            {
                var photo = RgbImage.Load(Path.Combine(images, photoName + ".jpg"));
                var at512 = photo.ResizeToFit(512, allowUpscale: true);
                var at1024 = photo.ResizeToFit(1024, allowUpscale: true);
                var output512 = await model.ApplyAsync(at512); // warm-up
                var seconds512 = await MedianSecondsAsync(model, at512, repeats);
                await model.ApplyAsync(at1024);
                var seconds1024 = await MedianSecondsAsync(model, at1024, Math.Max(1, repeats / 2));
                Console.WriteLine($"{Path.GetFileName(modelPath)} on {photoName}: {seconds512:F3} s at 512 px ({at512.Width}×{at512.Height}), {seconds1024:F3} s at 1024 px ({at1024.Width}×{at1024.Height})");
                applied.Add((Path.GetFileName(modelPath), style, photoName, seconds512, seconds1024, output512));
            }
        }

        var applyPeakBytes = PeakMemory.Bytes();
        Console.WriteLine($"peak memory after applying: {applyPeakBytes / 1e6:F0} MB");

        // 2. The default optimisation of each pair at 512 px, and both results on the tutorial's objective.
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var rows = new List<object>();
        foreach (var (model, style, photoName, seconds512, seconds1024, output512) in applied)
        {
            var contentPath = Path.Combine(images, photoName + ".jpg");
            var stylePath = Path.Combine(images, style);
            var label = $"{photoName}+{Path.GetFileNameWithoutExtension(style)}";
            var optimisedPath = Path.Combine(cache, label + ".png");
            var secondsPath = Path.Combine(cache, label + ".seconds");
            if (!File.Exists(optimisedPath) || !File.Exists(secondsPath))
            {
                var clock = Stopwatch.StartNew();
                var result = await engine.RunAsync(new StyleTransferOptions { Content = contentPath, Styles = [stylePath], OutputSize = 512 });
                var seconds = clock.Elapsed.TotalSeconds;
                result.Image.Save(optimisedPath, new ImageSaveOptions { Overwrite = true });
                File.WriteAllText(secondsPath, seconds.ToString("R", CultureInfo.InvariantCulture));
            }

            var optimisedSeconds = double.Parse(File.ReadAllText(secondsPath), CultureInfo.InvariantCulture);
            var optimised = RgbImage.Load(optimisedPath);
            var objective = TutorialObjective(contentPath, stylePath);
            using var ruler = new ObjectiveRuler(weights, contentPath, stylePath, objective);
            var fastTerms = ruler.MeasureTerms(output512);
            var optimisedTerms = ruler.MeasureTerms(optimised);
            var (fastObjective, optimisedObjective) = (fastTerms.Total, optimisedTerms.Total);
            output512.Save(Path.Combine(gallery, $"fast-{label}.jpg"), new ImageSaveOptions { Overwrite = true, Quality = 88 });
            optimised.Save(Path.Combine(gallery, $"optimised-{label}.jpg"), new ImageSaveOptions { Overwrite = true, Quality = 88 });
            Console.WriteLine(FormattableString.Invariant(
                $"{label}: apply {seconds512:F3} s vs optimise {optimisedSeconds:F0} s ({optimisedSeconds / seconds512:F0}×); objective {fastObjective:E3} vs {optimisedObjective:E3} ({fastObjective / optimisedObjective:F2}×); weighted content {fastTerms.Content * objective.ContentWeight:E3} vs {optimisedTerms.Content * objective.ContentWeight:E3}, style {fastTerms.Style * objective.StyleWeight:E3} vs {optimisedTerms.Style * objective.StyleWeight:E3}"));
            rows.Add(new
            {
                model,
                style,
                photo = photoName,
                apply_512_seconds = seconds512,
                apply_1024_seconds = seconds1024,
                optimise_512_seconds = optimisedSeconds,
                speedup_512 = optimisedSeconds / seconds512,
                objective_fast = fastObjective,
                objective_optimised = optimisedObjective,
                objective_ratio = fastObjective / optimisedObjective,
                weighted_content_fast = fastTerms.Content * objective.ContentWeight,
                weighted_content_optimised = optimisedTerms.Content * objective.ContentWeight,
                weighted_style_fast = fastTerms.Style * objective.StyleWeight,
                weighted_style_optimised = optimisedTerms.Style * objective.StyleWeight,
            });
        }

        var file = Path.Combine(outFolder, $"fast-styles-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(
            new
            {
                machine = Machine.Describe(),
                repeats,
                apply_peak_memory_bytes = applyPeakBytes,
                objective = "TensorFlow tutorial: content block5_conv2 1e4, Gram style 1e-2 over block1_conv1..block5_conv1, no total variation, float32, 512 px",
                optimisation = "StyleTransferOptions defaults at OutputSize 512 (L-BFGS, coarse to fine from 128 px)",
                rows,
            },
            new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {file}");
    }

    private static async Task<double> MedianSecondsAsync(FastStyleModel model, RgbImage photo, int repeats)
    {
        var seconds = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await model.ApplyAsync(photo);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        seconds.Sort();
        return seconds[seconds.Count / 2];
    }

    /// <summary>The tutorial's objective at 512 px; the ruler measures it in float32.</summary>
    private static StyleTransferOptions TutorialObjective(string contentPath, string stylePath) => new()
    {
        Content = contentPath,
        Styles = [stylePath],
        OutputSize = 512,
        StartSize = 512,
        ContentWeight = 1e4,
        StyleWeight = 1e-2,
        TotalVariationWeight = 0,
    };
}
