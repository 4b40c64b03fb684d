using System.CommandLine;
using System.Text.Json;
using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;
using NeuralStyle.Video;

namespace NeuralStyle.Cli;

/// <summary>
/// <c>neural-style video INPUT STYLE... -o OUT.mp4</c>: a clip stylised frame by frame on one
/// engine, kept frame by frame (a rerun goes on where it stopped), then encoded with the clip's
/// sound; or one shard of it, or the join of the shards. A line per finished frame with an ETA on
/// stderr (one JSON object each with --json, on stdout).
/// </summary>
internal static class VideoRunner
{
    /// <summary>The main command's options that have no meaning for a video; any other applies to every frame.</summary>
    private static readonly string[] StillOnlyOptions = ["init", "tile", "tile-size", "quality"];

    /// <summary>The main command's one option that means something with a trained style: the frames' size.</summary>
    private const string TrainedStyleOption = "size";

    public static async Task<int> RunAsync(CliCommand command, ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (quiet, json, verbose) = (parse.GetValue(command.Quiet), parse.GetValue(command.Json), parse.GetValue(command.Verbose));
        VideoArguments video;
        try
        {
            video = Options(command, parse);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
            return CliApp.BadInput;
        }

        var (file, join) = (video.File, video.Join);
        FastStyleModel? model = null;
        if (video.ModelPath is { } modelPath && join is null)
        {
            try
            {
                model = FastStyleModel.Load(modelPath);
            }
            catch (FastStyleModelException ex)
            {
                await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
                return CliApp.BadInput;
            }
        }

        try
        {
            ProcessTuning.TuneNativeAllocator();
            if (parse.GetValue(command.Threads) is { } threads)
            {
                ProcessTuning.SetComputeThreads(threads);
            }

            VideoResult result;
            if (join is { } shards)
            {
                result = await VideoStyleTransfer.JoinAsync(file, shards, cancellationToken);
            }
            else if (model is not null)
            {
                result = await VideoStyleTransfer.RunAsync(model, file, video.TrainedStyle, Progress(quiet, json, stdout, stderr), cancellationToken);
            }
            else
            {
                await using var styleEngine = new StyleTransferEngine(video.Engine);
                result = await VideoStyleTransfer.RunAsync(styleEngine, file, video.Style!, Progress(quiet, json, stdout, stderr), cancellationToken);
            }

            await Report(result, file, quiet, json, stdout, stderr);
            return CliApp.Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync(join is null
                ? $"neural-style: cancelled; the frames finished so far are kept in '{CliErrors.Printable(FramesFolderOf(file))}', and the same command goes on from them."
                : "neural-style: cancelled; no video was written.");
            return CliApp.Cancelled;
        }
        catch (Exception ex) when (ex is ArgumentException or ImageLoadException or VideoException or MemoryLimitException)
        {
            await CliApp.Report(stderr, ex, verbose);
            return CliApp.BadInput;
        }
        catch (Exception ex)
        {
            await CliApp.Report(stderr, ex, verbose);
            return CliApp.RuntimeFailure;
        }
        finally
        {
            model?.Dispose();
        }
    }

    /// <summary>The parsed command: the files, then either the optimisation's options (and its engine) or the trained style's, or the join.</summary>
    private sealed record VideoArguments(VideoFileOptions File, VideoStyleOptions? Style, StyleTransferEngineOptions Engine, string? ModelPath, TrainedStyleVideoOptions TrainedStyle, int? Join);

    private static IProgress<VideoProgress>? Progress(bool quiet, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (quiet && !json)
        {
            return null;
        }

        return new CallbackProgress<VideoProgress>(p =>
        {
            if (p.FinishedFrame is null)
            {
                return;
            }

            var of = p.FrameCount is { } count ? $"/{count}" : string.Empty;
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    frame = p.Frame,
                    frames = p.FrameCount,
                    iterations = p.Iterations,
                    content = p.Losses.Content,
                    style = p.Losses.Style,
                    elapsed_seconds = p.Elapsed.TotalSeconds,
                    eta_seconds = p.EstimatedRemaining?.TotalSeconds,
                }));
            }
            else
            {
                var kept = p.Iterations == 0 ? "kept from an earlier run" : $"{p.Iterations} iterations";
                var left = p.EstimatedRemaining is { } remaining ? FormattableString.Invariant($", about {remaining.TotalMinutes:F1} min left") : string.Empty;
                stderr.WriteLine(FormattableString.Invariant($"frame {p.Frame + 1}{of} done ({kept}), {p.Elapsed.TotalMinutes:F1} min{left}"));
            }
        });
    }

    private static async Task Report(VideoResult result, VideoFileOptions file, bool quiet, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new
            {
                result = result.OutputPath,
                frames = result.FramesKept,
                computed = result.FramesComputed,
                fps = result.FrameRate,
                width = result.Width,
                height = result.Height,
                seconds = result.Elapsed.TotalSeconds,
            }));
        }
        else if (!quiet)
        {
            await stderr.WriteLineAsync(result.OutputPath is null
                ? FormattableString.Invariant($"shard {file.Shard} done: {result.FramesKept} frames kept in {CliErrors.Printable(FramesFolderOf(file))} ({result.FramesComputed} computed now, {result.Elapsed.TotalMinutes:F1} min); join with --join {file.Shard.Count}")
                : FormattableString.Invariant($"wrote {CliErrors.Printable(result.OutputPath)} ({result.FramesKept} frames, {result.Width}×{result.Height} at {result.FrameRate:0.##} fps, {result.FramesComputed} computed in {result.Elapsed.TotalMinutes:F1} min)"));
        }
    }

    /// <summary>Where the run keeps its frames, as the library chooses it: --frames-dir, or OUTPUT.frames.</summary>
    private static string FramesFolderOf(VideoFileOptions file) => file.FramesFolder ?? file.OutputPath + ".frames";

    private static VideoArguments Options(CliCommand command, ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException($"{parse.Errors[0].Message} Run neural-style video --help.");
        }

        foreach (var option in StillOnlyOptions.Select(command.OptionFor).Concat([command.SaveEvery, command.Plan]))
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} does not apply to a video; run neural-style video --help for its options.");
            }
        }

        var shard = parse.GetValue(command.VideoShard);
        var join = parse.GetValue(command.VideoJoin);
        if (shard is not null && join is not null)
        {
            throw new ArgumentException("--shard stylises one segment and --join writes the video from all of them: give one or the other.");
        }

        if (join is < 1 or > 10_000)
        {
            throw new ArgumentException($"--join takes the number of shards, 1 to 10000; it was {join}.");
        }

        if (parse.GetValue(command.VideoIterationsFirst) is < 1)
        {
            throw new ArgumentException("--iterations-first needs at least 1 iteration.");
        }

        if (parse.GetValue(command.VideoTemporalWeight) is < 0)
        {
            throw new ArgumentException("--temporal-weight must be 0 or more.");
        }

        if (parse.GetValue(command.VideoFrameRate) is < 0.1 or > 240)
        {
            throw new ArgumentException("--fps must be between 0.1 and 240 frames per second.");
        }

        var styles = parse.GetValue(command.VideoStyles) ?? [];
        var modelPath = parse.GetValue(command.VideoModel);
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        if (modelPath is not null)
        {
            if (styles.Length > 0)
            {
                throw new ArgumentException("--model paints with a trained style: give no STYLE images with it.");
            }

            var optimisationOnly = command.RunOptions.Select(o => o.Option).Where(o => o.Name != "--" + TrainedStyleOption)
                .Concat([command.VideoIterationsFirst, command.VideoTemporalWeight, command.VideoLongTerm]);
            if (optimisationOnly.FirstOrDefault(Given) is { } refused)
            {
                throw new ArgumentException($"{refused.Name} does not apply to a trained style (--model); of the frame options only --size does.");
            }
        }
        else if (styles.Length == 0 && join is null)
        {
            throw new ArgumentException("Give the clip and at least one style image (neural-style video INPUT STYLE... -o OUTPUT), or a trained style with --model.");
        }
        else if (Given(command.VideoBlend))
        {
            throw new ArgumentException("--blend steadies a trained style's frames: it needs --model.");
        }

        if (parse.GetValue(command.VideoBlend) is < 0 or > 1)
        {
            throw new ArgumentException("--blend must be between 0 and 1.");
        }

        var frame = CliErrors.UnderOptionNames(() => CliArguments.ExplicitRunOptions(command, parse, styles));
        var defaults = new VideoStyleOptions { Frame = new StyleTransferOptions() };
        var style = modelPath is not null ? null : CliErrors.UnderOptionNames(() => new VideoStyleOptions
        {
            Frame = frame with { Iterations = parse.GetValue(command.VideoIterationsFirst) ?? defaults.Frame.Iterations },
            LaterFrameIterations = Given(command.OptionFor("iterations")) ? frame.Iterations : defaults.LaterFrameIterations,
            TemporalWeight = parse.GetValue(command.VideoTemporalWeight) ?? defaults.TemporalWeight,
            LongTermConsistency = parse.GetValue(command.VideoLongTerm),
        });
        var trained = new TrainedStyleVideoOptions
        {
            OutputSize = Given(command.OptionFor(TrainedStyleOption)) ? frame.OutputSize : null,
            Blend = parse.GetValue(command.VideoBlend) ?? TrainedStyleVideoOptions.DefaultBlend,
        };
        var file = CliErrors.UnderOptionNames(() => new VideoFileOptions
        {
            Input = parse.GetValue(command.VideoInput)!,
            OutputPath = parse.GetValue(command.VideoOutput)!,
            OverwriteOutput = parse.GetValue(command.VideoOverwrite),
            FrameRate = parse.GetValue(command.VideoFrameRate),
            From = parse.GetValue(command.VideoFrom) ?? TimeSpan.Zero,
            Duration = parse.GetValue(command.VideoDuration),
            FramesFolder = parse.GetValue(command.VideoFramesFolder),
            KeepFrames = parse.GetValue(command.VideoKeepFrames),
            Shard = shard is { } s ? new VideoShard(s.Index, s.Count) : NeuralStyle.Video.VideoShard.Whole,
        });
        var engine = new StyleTransferEngineOptions { WeightsPath = parse.GetValue(command.Weights), Device = parse.GetValue(command.Device) ?? ComputeDevice.Cpu };
        return new VideoArguments(file, style, engine, modelPath, trained, join);
    }
}
