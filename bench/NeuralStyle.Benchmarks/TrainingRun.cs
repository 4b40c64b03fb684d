using System.Globalization;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// A training experiment for the fast-style recipe: trains on the photos of a folder (scripts/training-photos.sh
/// makes one), keeps its checkpoint in the output folder (so a rerun with the same arguments resumes), logs every
/// step's losses and time, and at the end stylises the held-out shared photos at 512 px (a rerun with more
/// steps goes on from the checkpoint and previews again).
/// </summary>
internal static class TrainingRun
{
    public static void Run(string weights, string images, string style, string photosFolder, string outFolder, FastStyleTrainingOptions template)
    {
        Directory.CreateDirectory(outFolder);
        var photos = Directory.EnumerateFiles(photosFolder).Where(p => !p.EndsWith(".tsv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var options = template with
        {
            Style = RgbImage.Load(style),
            Photos = photos,
            CheckpointFolder = Path.Combine(outFolder, "checkpoint"),
        };
        using var extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: options.Losses.DeepestLayer);
        var held = new[] { "tubingen.jpg", "chicago.jpg", "stata.jpg" }.Select(n => (n, RgbImage.Load(Path.Combine(images, n)).ResizeToFit(512))).ToArray();
        using var log = new StreamWriter(Path.Combine(outFolder, "log.tsv"), append: true);
        log.WriteLine($"# {Machine.Describe()}; {options with { Style = null!, Photos = [] }}; {photos.Length} photos");
        using var network = FastStyleTraining.Train(
            extractor,
            options,
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
        Preview(network, held, Path.Combine(outFolder, $"step{options.Steps}"));
    }

    /// <summary>The network applied to each held-out photo (sides cut to multiples of 4), written as PNGs.</summary>
    internal static void Preview(TransformerNetwork network, IEnumerable<(string Name, RgbImage Photo)> photos, string prefix)
    {
        using var noGrad = no_grad();
        foreach (var (name, photo) in photos)
        {
            using var scope = NewDisposeScope();
            var input = ImageTensors.ToTensor(photo).narrow(2, 0, photo.Height / 4 * 4).narrow(3, 0, photo.Width / 4 * 4);
            var output = network.forward(input).clamp(0, 1);
            ImageTensors.ToRgbImage(output).Save($"{prefix}-{Path.GetFileNameWithoutExtension(name)}.png");
        }
    }
}
