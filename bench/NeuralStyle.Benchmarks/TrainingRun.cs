using System.Globalization;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// A training experiment for the fast-style recipe: trains on the photos of a folder (scripts/training-photos.sh
/// makes one), keeps its checkpoint in the output folder (so a rerun with the same arguments resumes), logs every
/// step's losses and time, and at the end stylises the held-out shared photos at 512 px and exports the
/// network as model-stepN.onnx (a rerun with more steps goes on from the checkpoint and previews again).
/// </summary>
internal static class TrainingRun
{
    public static void Run(string weights, string images, string style, string photosFolder, string outFolder, StyleTrainingOptions template)
    {
        Directory.CreateDirectory(outFolder);
        var photos = Directory.EnumerateFiles(photosFolder).Where(p => !p.EndsWith(".tsv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var options = template with
        {
            Style = style,
            Photos = photos,
            CheckpointFolder = Path.Combine(outFolder, "checkpoint"),
            ResumeFromCheckpoint = true, // the folder is this experiment's own: a rerun goes on
        };
        using var extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: options.Losses.DeepestLayer);
        var held = new[] { "tubingen.jpg", "chicago.jpg", "stata.jpg" }.Select(n => (n, RgbImage.Load(Path.Combine(images, n)).ResizeToFit(512))).ToArray();
        using var log = new StreamWriter(Path.Combine(outFolder, "log.tsv"), append: true);
        log.WriteLine($"# {Machine.Describe()}; {options with { Style = null!, Photos = [] }}; {photos.Length} photos");
        using var network = FastStyleTraining.Train(
            extractor,
            options,
            RgbImage.Load(style),
            [],
            p =>
            {
                log.WriteLine(string.Join('\t', new object[] { p.Step, p.Losses.Content, p.Losses.Style, p.Losses.TotalVariation, p.Losses.Total, p.Elapsed.TotalSeconds }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
                if (p.Step % 20 == 0)
                {
                    log.Flush();
                    Console.WriteLine($"step {p.Step}/{p.Steps}: total {p.Losses.Total:G3} (c {p.Losses.Content:G3} s {p.Losses.Style:G3} tv {p.Losses.TotalVariation:G3}), {p.Elapsed.TotalSeconds:0} s");
                }
            },
            (path, reason) => Console.WriteLine($"skipped {path}: {reason}"),
            CancellationToken.None);
        foreach (var (name, photo) in held)
        {
            FastStyleTraining.Stylise(network, photo).Save(Path.Combine(outFolder, $"step{options.Steps}-{Path.GetFileNameWithoutExtension(name)}.png"));
        }

        File.WriteAllBytes(Path.Combine(outFolder, $"model-step{options.Steps}.onnx"), TransformerNetworkExport.ToOnnx(network, new Dictionary<string, string> { ["neuralstyle.style"] = Path.GetFileName(style) }));
    }
}
