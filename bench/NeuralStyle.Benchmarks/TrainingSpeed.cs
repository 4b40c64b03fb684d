using System.Diagnostics;
using System.Text.Json;
using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// What one training step of a feed-forward style network (<see cref="TransformerNetwork"/>) costs on
/// this machine: the network forward and backward, VGG19 forward and backward on its output, VGG19
/// forward on the input, the library's content, Gram style and total variation losses, an Adam step
/// (<see cref="FastStyleTraining.Step"/>, the step training takes).
/// Random batches (the pixels do not change the cost); widths, crops and batch sizes from the
/// command line. The recipe's step budget for 90 minutes comes from these figures.
/// </summary>
internal static class TrainingSpeed
{
    public static async Task RunAsync(string weights, string images, int[] widths, int[] crops, int[] batches, int steps, string outFolder)
    {
        using var extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: "block5_conv2");
        var settings = new StyleOptimizerSettings { LossNormalization = LossNormalization.None };
        var style = RgbImage.Load(Path.Combine(images, "starry_night.jpg")).ResizeToFit(256);
        var rows = new List<object>();
        Console.WriteLine("width  crop  batch   s/step   steps in 90 min");
        foreach (var width in widths)
        {
            foreach (var crop in crops)
            {
                foreach (var batch in batches)
                {
                    var seconds = Measure(extractor, style, settings, width, crop, batch, steps);
                    Console.WriteLine($"{width,5}  {crop,4}  {batch,5}   {seconds,6:0.000}   {5400 / seconds,8:0}");
                    rows.Add(new { width, crop, batch, seconds_per_step = Math.Round(seconds, 4), steps_in_90_minutes = (int)(5400 / seconds) });
                }
            }
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"training-speed-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            what = "seconds per training step of the transformer network (float32, random batches, the default layers and losses, Adam), median of the timed steps after two warm-up steps",
            machine = Machine.Describe(),
            threads = torch.get_num_threads(),
            runs = rows,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    private static double Measure(Vgg19FeatureExtractor extractor, RgbImage style, StyleOptimizerSettings settings, int width, int crop, int batch, int steps)
    {
        using var network = new TransformerNetwork(width);
        using var adam = new NetworkAdam(network.parameters(), 1e-3);
        using var scope = NewDisposeScope();
        var targets = FastStyleTraining.StyleTargets(extractor, new StyleTrainingOptions { Style = style, Photos = [], CropSize = crop, Losses = settings }, style);
        var times = new List<double>();
        for (var step = 0; step < steps + 2; step++)
        {
            using var stepScope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            FastStyleTraining.Step(extractor, network, adam, rand(batch, 3, crop, crop), targets, settings);
            if (step >= 2)
            {
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
