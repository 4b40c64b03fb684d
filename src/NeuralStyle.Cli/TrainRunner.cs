using System.CommandLine;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// <c>neural-style train STYLE --photos DIR -o NAME.onnx</c>: a feed-forward network trained on the
/// engine to paint in the style, exported as a trained style that <c>neural-style apply</c> (or any
/// ONNX Runtime) uses. Progress with an ETA on stderr; with --checkpoint-dir an interrupted training
/// resumes (--resume) where it stopped; photos that cannot be used are reported and skipped.
/// </summary>
internal static class TrainRunner
{
    /// <summary>The main command's options that mean the same in training; any other given with train is refused.</summary>
    private static readonly string[] SharedOptions = ["content-weight", "style-weight", "tv-weight", "style-scale", "precision", "seed"];

    private const int DefaultPreviewInterval = 250;

    public static async Task<int> RunAsync(CliCommand command, ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var quiet = parse.GetValue(command.Quiet);
        var verbose = parse.GetValue(command.Verbose);
        StyleTrainingOptions options;
        StyleTransferEngineOptions engine;
        try
        {
            (options, engine) = Options(command, parse);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
            return CliApp.BadInput;
        }

        try
        {
            ProcessTuning.TuneNativeAllocator();
            if (parse.GetValue(command.Threads) is { } threads)
            {
                ProcessTuning.SetComputeThreads(Math.Max(1, threads));
            }

            await using var styleEngine = new StyleTransferEngine(engine);
            var progress = new CallbackProgress<StyleTrainingProgress>(p =>
            {
                if (!quiet && (p.Step % 10 == 0 || p.Step == p.Steps))
                {
                    stderr.WriteLine(FormattableString.Invariant(
                        $"step {p.Step}/{p.Steps}: loss {p.Losses.Total:G4} (content {p.Losses.Content:G3}, style {p.Losses.Style:G3}), {p.Elapsed.TotalMinutes:F1} min, about {p.EstimatedRemaining.TotalMinutes:F0} min left"));
                }

                for (var i = 0; i < p.Previews.Count; i++)
                {
                    var preview = PreviewPath(options, i, p.Step);
                    Directory.CreateDirectory(Path.GetDirectoryName(preview)!);
                    p.Previews[i].Save(preview, new ImageSaveOptions { Overwrite = true });
                    if (!quiet)
                    {
                        stderr.WriteLine($"preview: {CliErrors.Printable(preview)}");
                    }
                }
            });
            var result = await styleEngine.TrainStyleAsync(options, progress, cancellationToken);
            foreach (var skipped in result.SkippedPhotos)
            {
                await stderr.WriteLineAsync($"neural-style: skipped {CliErrors.Printable(skipped)}");
            }

            if (!quiet)
            {
                await stderr.WriteLineAsync($"wrote {CliErrors.Printable(result.OutputPath!)} ({result.Model.Length / 1e6:F1} MB, {options.Steps} steps, {result.Elapsed.TotalMinutes:F1} min)");
            }

            return CliApp.Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync(options.CheckpointFolder is null
                ? "neural-style: cancelled; no model was written."
                : "neural-style: cancelled; no model was written, and the same command with --resume continues from the last checkpoint.");
            return CliApp.Cancelled;
        }
        catch (Exception ex) when (ex is ArgumentException or ImageLoadException or ImageSaveException or CheckpointException)
        {
            await CliApp.Report(stderr, ex, verbose);
            return CliApp.BadInput;
        }
        catch (Exception ex)
        {
            await CliApp.Report(stderr, ex, verbose);
            return CliApp.RuntimeFailure;
        }
    }

    /// <summary>
    /// Where the preview of the <paramref name="index"/>th preview photo at <paramref name="step"/> goes:
    /// NAME.previews/PHOTO-stepN.png beside the output NAME.onnx (a preview of the same step is replaced).
    /// </summary>
    private static string PreviewPath(StyleTrainingOptions options, int index, int step)
    {
        var output = Path.GetFullPath(options.OutputPath!);
        var folder = Path.Combine(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output) + ".previews");
        return Path.Combine(folder, FormattableString.Invariant($"{Path.GetFileNameWithoutExtension(options.PreviewPhotos[index])}-step{step:D5}.png"));
    }

    private static (StyleTrainingOptions Options, StyleTransferEngineOptions Engine) Options(CliCommand command, ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException($"{parse.Errors[0].Message} Run neural-style train --help.");
        }

        var shared = SharedOptions.Select(command.OptionFor).ToHashSet();
        foreach (var option in command.RunOptions.Select(o => o.Option).Concat([command.Json]).Where(o => !shared.Contains(o)))
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} does not apply to training; run neural-style train --help for its options.");
            }
        }

        var style = parse.GetValue(command.TrainStyle)!;
        var photosFolder = parse.GetValue(command.TrainPhotos)!;
        if (!Directory.Exists(photosFolder))
        {
            throw new ArgumentException($"--photos needs a folder of photos; '{photosFolder}' is not one.");
        }

        var photos = ImageFiles.InFolder(photosFolder);
        if (photos.Length == 0)
        {
            throw new ArgumentException($"the folder '{photosFolder}' holds no photos (image files such as .jpg, .png or .webp).");
        }

        // The shared options as the main command parses them, taken only where given: training has defaults of its own.
        var previews = parse.GetValue(command.TrainPreview) ?? [];
        var given = CliErrors.UnderOptionNames(() => CliArguments.ExplicitRunOptions(command, parse, style));
        bool Given(string name) => parse.GetResult(command.OptionFor(name)) is { Implicit: false };
        var defaults = new StyleTrainingOptions { Style = style, Photos = photos };
        var losses = defaults.Losses with
        {
            ContentWeight = Given("content-weight") ? given.Optimization.ContentWeight : defaults.Losses.ContentWeight,
            StyleWeight = Given("style-weight") ? given.Optimization.StyleWeight : defaults.Losses.StyleWeight,
            TotalVariationWeight = Given("tv-weight") ? given.Optimization.TotalVariationWeight : defaults.Losses.TotalVariationWeight,
        };
        var options = CliErrors.UnderOptionNames(() => defaults with
        {
            OutputPath = parse.GetValue(command.TrainOutput),
            OverwriteOutput = parse.GetValue(command.TrainOverwrite),
            Steps = parse.GetValue(command.TrainSteps) ?? defaults.Steps,
            CropSize = parse.GetValue(command.TrainCropSize) ?? defaults.CropSize,
            BatchSize = parse.GetValue(command.TrainBatchSize) ?? defaults.BatchSize,
            Width = parse.GetValue(command.TrainWidth) ?? defaults.Width,
            Losses = losses,
            StyleScale = Given("style-scale") ? given.StyleScale : defaults.StyleScale,
            Precision = Given("precision") ? given.Precision : defaults.Precision,
            Seed = Given("seed") ? given.Seed ?? defaults.Seed : defaults.Seed,
            CheckpointFolder = parse.GetValue(command.TrainCheckpointFolder),
            CheckpointInterval = parse.GetValue(command.TrainCheckpointEvery) ?? defaults.CheckpointInterval,
            ResumeFromCheckpoint = parse.GetValue(command.TrainResume),
            PreviewPhotos = previews,
            PreviewInterval = previews.Length == 0 ? 0 : parse.GetValue(command.TrainPreviewEvery) ?? DefaultPreviewInterval,
        });
        if (options.ResumeFromCheckpoint && options.CheckpointFolder is null)
        {
            throw new ArgumentException("--resume continues the training kept in --checkpoint-dir; give that folder too.");
        }

        if (previews.GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new ArgumentException($"--preview: '{clash.First()}' and '{clash.Skip(1).First()}' would write previews of the same name; rename one.");
        }

        if (previews.Length == 0 && parse.GetResult(command.TrainPreviewEvery) is { Implicit: false })
        {
            throw new ArgumentException("--preview-every needs the photos to preview; give them with --preview.");
        }

        var engine = new StyleTransferEngineOptions { WeightsPath = parse.GetValue(command.Weights), Device = parse.GetValue(command.Device) ?? ComputeDevice.Cpu };
        return (options, engine);
    }
}
