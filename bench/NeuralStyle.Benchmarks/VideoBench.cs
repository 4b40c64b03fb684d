using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;
using NeuralStyle.Video;
using NeuralStyle.Video.Flow;
using NeuralStyle.Video.Media;
using NeuralStyle.Video.Stylisation;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// Video mode against frames stylised one by one, on a real clip (by default opencv-doc's vtest.avi,
/// pedestrians filmed from above, BSD-3-Clause), for each size, precision and temporal weight:
/// <list type="bullet">
/// <item>temporal error, as Ruder et al. and Lai et al. report it: the mean squared difference, on
/// [0, 1] pixels, between each output frame and the previous output frame warped by the input's
/// flow, over the pixels the consistency check keeps; for the input itself (the floor), for the
/// independent frames, and for video mode;</item>
/// <item>each frame's content and style terms on one ruler (float32, the run's weights), video
/// mode's against the independent frame's;</item>
/// <item>seconds per frame (wall time, flow included): the first frame, the later ones, and an
/// independent frame.</item>
/// </list>
/// Frames and timings are kept in the work folder, so an interrupted benchmark goes on where it
/// stopped; the first video frame is the independent frame 0 (the same still, by construction).
/// The flow that measures is the flow video mode uses (OpenCV's Farnebäck), which favours video
/// mode slightly: said with the results.
/// </summary>
internal static class VideoBench
{
    public static async Task RunAsync(
        string weights,
        string images,
        string clip,
        string style,
        (int Size, int Frames)[] configurations,
        ComputePrecision[] precisions,
        double[] temporalWeights,
        int laterIterations,
        string? model,
        double[] blends,
        string work,
        string outFolder)
    {
        Console.WriteLine($"video on {Machine.Summary()}: {Path.GetFileName(clip)} in the style of {style}");
        var ffmpeg = Ffmpeg.Locate();
        var info = await VideoInfo.ProbeAsync(ffmpeg, clip, CancellationToken.None);
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var rows = new List<object>();
        foreach (var (size, frameCount) in configurations)
        {
            var format = FrameFormat.Fitted(info.Width, info.Height, size, info.FrameRate);
            var frames = await ReadFramesAsync(ffmpeg, clip, format, frameCount);
            var inputError = TemporalErrors(frames, frames);
            if (model is not null)
            {
                rows.AddRange(await TrainedStyleAsync(model, frames, inputError, blends));
                continue;
            }

            foreach (var precision in precisions)
            {
                var still = new StyleTransferOptions { Styles = [Path.Combine(images, style)], OutputSize = size, Precision = precision, Seed = 1 };
                var folder = Path.Combine(work, FormattableString.Invariant($"{Path.GetFileNameWithoutExtension(clip)}-{size}-{frameCount}-{precision}"));
                var independent = await IndependentAsync(engine, frames, still, Path.Combine(folder, "independent"));
                using var ruler = new ObjectiveRuler(weights, Path.Combine(images, style), Path.Combine(images, style), still);
                var independentTerms = independent.Select((f, i) => ruler.MeasureTerms(f.Image, frames[i])).ToArray();
                var independentError = TemporalErrors(frames, independent.Select(f => f.Image).ToArray());
                foreach (var weight in temporalWeights)
                {
                    var options = new VideoStyleOptions { Frame = still, LaterFrameIterations = laterIterations, TemporalWeight = weight };
                    var video = await VideoModeAsync(engine, frames, options, independent[0], Path.Combine(folder, FormattableString.Invariant($"video-w{weight:R}-i{laterIterations}")));
                    var videoTerms = video.Select((f, i) => ruler.MeasureTerms(f.Image, frames[i])).ToArray();
                    var videoError = TemporalErrors(frames, video.Select(f => f.Image).ToArray());
                    var later = video.Skip(1).Select(f => f.Seconds).DefaultIfEmpty(0).Average();
                    var independentSeconds = independent.Select(f => f.Seconds).Average();
                    var contentRatios = videoTerms.Zip(independentTerms, (v, i) => v.Content / i.Content).ToArray();
                    var styleRatios = videoTerms.Zip(independentTerms, (v, i) => v.Style / i.Style).ToArray();
                    Console.WriteLine(
                        FormattableString.Invariant($"{format.Width}×{format.Height} {precision} w {weight:G3}: temporal error input {inputError.Average():E2}, independent {independentError.Average():E2}, video {videoError.Average():E2} ({videoError.Average() / independentError.Average():P0} of independent); ")
                        + FormattableString.Invariant($"content ×{contentRatios.Min():F2}–{contentRatios.Max():F2}, style ×{styleRatios.Min():F2}–{styleRatios.Max():F2} of independent; ")
                        + FormattableString.Invariant($"s/frame: independent {independentSeconds:F1}, first {video[0].Seconds:F1}, later {later:F1} ({later / independentSeconds:P0})"));
                    rows.Add(new
                    {
                        width = format.Width,
                        height = format.Height,
                        frames = frames.Length,
                        precision = precision.ToString(),
                        temporal_weight = weight,
                        later_frame_iterations = laterIterations,
                        first_frame_iterations = still.Iterations,
                        temporal_error = new { input = inputError.Average(), independent = independentError.Average(), video = videoError.Average(), video_over_independent = videoError.Average() / independentError.Average() },
                        temporal_error_per_frame = new { input = inputError, independent = independentError, video = videoError },
                        content_ratio = new { min = contentRatios.Min(), max = contentRatios.Max(), mean = contentRatios.Average() },
                        style_ratio = new { min = styleRatios.Min(), max = styleRatios.Max(), mean = styleRatios.Average() },
                        seconds = new { independent = independentSeconds, first = video[0].Seconds, later, later_over_independent = later / independentSeconds },
                    });
                }
            }
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"video-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { machine = Machine.Describe(), clip = Path.GetFileName(clip), style, rows }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    private sealed record TimedFrame(RgbImage Image, double Seconds);

    /// <summary>A trained style's frames, each alone (blend 0) and steadied along the flow (each blend): temporal error and seconds per frame (the flow included).</summary>
    private static async Task<List<object>> TrainedStyleAsync(string modelPath, RgbImage[] frames, double[] inputError, double[] blends)
    {
        using var model = NeuralStyle.FastStyles.FastStyleModel.Load(modelPath);
        await model.ApplyAsync(frames[0]); // warm-up
        var rows = new List<object>();
        double[]? aloneError = null;
        foreach (var blend in blends.Prepend(0).Distinct())
        {
            var clock = Stopwatch.StartNew();
            var painted = new List<RgbImage>();
            await foreach (var frame in VideoStyleTransfer.StyliseAsync(model, Stream(frames), new TrainedStyleVideoOptions { Blend = blend }))
            {
                painted.Add(frame.Image);
            }

            var seconds = clock.Elapsed.TotalSeconds / frames.Length;
            var error = TemporalErrors(frames, painted.ToArray());
            aloneError ??= error;
            Console.WriteLine(FormattableString.Invariant(
                $"{frames[0].Width}×{frames[0].Height} trained style {Path.GetFileName(modelPath)} blend {blend}: temporal error input {inputError.Average():E2}, video {error.Average():E2} ({error.Average() / aloneError.Average():P0} of the frames alone); {seconds:F2} s/frame"));
            rows.Add(new
            {
                width = frames[0].Width,
                height = frames[0].Height,
                frames = frames.Length,
                model = Path.GetFileName(modelPath),
                blend,
                temporal_error = new { input = inputError.Average(), alone = aloneError.Average(), video = error.Average(), video_over_alone = error.Average() / aloneError.Average() },
                seconds_per_frame = seconds,
            });
        }

        return rows;
    }

    private static async Task<RgbImage[]> ReadFramesAsync(Ffmpeg ffmpeg, string clip, FrameFormat format, int count)
    {
        var frames = new List<RgbImage>();
        await foreach (var frame in FrameReader.ReadAsync(ffmpeg, clip, format, TimeSpan.Zero, null, CancellationToken.None))
        {
            frames.Add(frame);
            if (frames.Count == count)
            {
                break;
            }
        }

        return frames.ToArray();
    }

    /// <summary>Each frame as a still, kept as frame-N.png with its seconds in frame-N.json.</summary>
    private static async Task<TimedFrame[]> IndependentAsync(StyleTransferEngine engine, RgbImage[] frames, StyleTransferOptions still, string folder)
    {
        Directory.CreateDirectory(folder);
        var results = new TimedFrame[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            var (png, json) = (Path.Combine(folder, $"frame-{i}.png"), Path.Combine(folder, $"frame-{i}.json"));
            if (!File.Exists(png) || !File.Exists(json))
            {
                var clock = Stopwatch.StartNew();
                var result = await engine.RunAsync(still with { Content = frames[i] });
                var seconds = clock.Elapsed.TotalSeconds;
                result.Image.Save(png, new ImageSaveOptions { Overwrite = true });
                await File.WriteAllTextAsync(json, seconds.ToString("R", CultureInfo.InvariantCulture));
                Console.WriteLine(FormattableString.Invariant($"  independent frame {i}: {seconds:F1} s"));
            }

            results[i] = new TimedFrame(RgbImage.Load(png), double.Parse(await File.ReadAllTextAsync(json), CultureInfo.InvariantCulture));
        }

        return results;
    }

    /// <summary>Video mode, its frames kept in a frame store (so a rerun goes on) with each frame's wall time beside it; frame 0 is the independent frame 0.</summary>
    private static async Task<TimedFrame[]> VideoModeAsync(StyleTransferEngine engine, RgbImage[] frames, VideoStyleOptions options, TimedFrame first, string folder)
    {
        var store = new FrameStore(folder);
        if (store.CountDone() == 0)
        {
            await store.SaveAsync(0, first.Image, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(folder, "seconds-0.json"), first.Seconds.ToString("R", CultureInfo.InvariantCulture));
        }

        var clock = Stopwatch.StartNew();
        await foreach (var frame in new VideoStylizer(new OptimisingPainter(engine, options)).StyliseAsync(Stream(frames), store, FrameSpan.All, null, CancellationToken.None))
        {
            if (frame.Result is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"seconds-{frame.Index}.json"), clock.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
                Console.WriteLine(FormattableString.Invariant($"  video frame {frame.Index}: {clock.Elapsed.TotalSeconds:F1} s"));
            }

            clock.Restart();
        }

        return await Task.WhenAll(Enumerable.Range(0, frames.Length).Select(async i =>
            new TimedFrame(store.Load(i), double.Parse(await File.ReadAllTextAsync(Path.Combine(folder, $"seconds-{i}.json")), CultureInfo.InvariantCulture))));
    }

    /// <summary>For t ≥ 1: the mean squared difference on [0, 1] pixels between output t and output t − 1 warped by the input's backward flow, over the reliable pixels.</summary>
    private static double[] TemporalErrors(RgbImage[] input, RgbImage[] output)
    {
        var errors = new double[input.Length - 1];
        for (var t = 1; t < input.Length; t++)
        {
            using var scope = NewDisposeScope();
            var forward = OpticalFlow.Between(input[t - 1], input[t]);
            var backward = OpticalFlow.Between(input[t], input[t - 1]);
            var mask = FlowReliability.Mask(forward, backward);
            var warped = FlowWarp.Warp(ImageTensors.ToTensor(output[t - 1]), backward);
            var squared = (ImageTensors.ToTensor(output[t]) - warped).square().mean(new long[] { 1 }, keepdim: true);
            errors[t - 1] = (squared * mask).sum().item<float>() / Math.Max(1, mask.sum().item<float>());
        }

        return errors;
    }

    private static async IAsyncEnumerable<RgbImage> Stream(RgbImage[] frames)
    {
        foreach (var frame in frames)
        {
            await Task.Yield();
            yield return frame;
        }
    }
}
