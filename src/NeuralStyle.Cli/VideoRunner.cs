using System.CommandLine;
using System.Text.Json;
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

    public static async Task<int> RunAsync(CliCommand command, ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (quiet, json, verbose) = (parse.GetValue(command.Quiet), parse.GetValue(command.Json), parse.GetValue(command.Verbose));
        VideoFileOptions file;
        VideoStyleOptions style;
        StyleTransferEngineOptions engine;
        int? join;
        try
        {
            (file, style, engine, join) = Options(command, parse);
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
                ProcessTuning.SetComputeThreads(threads);
            }

            VideoResult result;
            if (join is { } shards)
            {
                result = await VideoStyleTransfer.JoinAsync(file, shards, cancellationToken);
            }
            else
            {
                await using var styleEngine = new StyleTransferEngine(engine);
                result = await VideoStyleTransfer.RunAsync(styleEngine, file, style, Progress(quiet, json, stdout, stderr), cancellationToken);
            }

            await Report(result, file, quiet, json, stdout, stderr);
            return CliApp.Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync(join is null
                ? $"neural-style: cancelled; the frames finished so far are kept in '{CliErrors.Printable(file.FramesFolder ?? file.OutputPath + ".frames")}', and the same command goes on from them."
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
    }

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
                ? FormattableString.Invariant($"shard {file.Shard} done: {result.FramesKept} frames kept in {CliErrors.Printable(file.FramesFolder ?? file.OutputPath + ".frames")} ({result.FramesComputed} computed now, {result.Elapsed.TotalMinutes:F1} min); join with --join {file.Shard.Count}")
                : FormattableString.Invariant($"wrote {CliErrors.Printable(result.OutputPath)} ({result.FramesKept} frames, {result.Width}×{result.Height} at {result.FrameRate:0.##} fps, {result.FramesComputed} computed in {result.Elapsed.TotalMinutes:F1} min)"));
        }
    }

    private static (VideoFileOptions File, VideoStyleOptions Style, StyleTransferEngineOptions Engine, int? Join) Options(CliCommand command, ParseResult parse)
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
        var frame = CliErrors.UnderOptionNames(() => CliArguments.ExplicitRunOptions(command, parse, styles));
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        var defaults = new VideoStyleOptions { Frame = new StyleTransferOptions() };
        var style = CliErrors.UnderOptionNames(() => new VideoStyleOptions
        {
            Frame = frame with { Iterations = parse.GetValue(command.VideoIterationsFirst) ?? defaults.Frame.Iterations },
            LaterFrameIterations = Given(command.OptionFor("iterations")) ? frame.Iterations : defaults.LaterFrameIterations,
            TemporalWeight = parse.GetValue(command.VideoTemporalWeight) ?? defaults.TemporalWeight,
            LongTermConsistency = parse.GetValue(command.VideoLongTerm),
        });
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
        return (file, style, engine, join);
    }
}
