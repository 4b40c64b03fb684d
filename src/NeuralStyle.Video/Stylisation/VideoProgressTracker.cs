using System.Diagnostics;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Turns each frame's iteration reports into the run's <see cref="VideoProgress"/>, with an ETA:
/// the current frame's remaining time, plus the frames still to come at the mean time of the later
/// frames finished so far (before any, the current frame's pace per iteration times a later frame's iterations).
/// </summary>
internal sealed class VideoProgressTracker(IProgress<VideoProgress>? sink, int? frameCount, int laterFrameIterations)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _laterFramesTime;
    private int _laterFrames;

    /// <summary>The reports of frame <paramref name="index"/>'s iterations.</summary>
    public IProgress<StyleTransferProgress>? ForFrame(int index) =>
        sink is null ? null : new Reporter(p =>
        {
            var later = _laterFrames > 0
                ? _laterFramesTime / _laterFrames
                : p.Elapsed / Math.Max(1, p.Iteration) * laterFrameIterations;
            TimeSpan? remaining = frameCount is { } count ? p.EstimatedRemaining + (later * Math.Max(0, count - index - 1)) : null;
            sink.Report(new VideoProgress(index, frameCount, p.Iteration, p.TotalIterations, p.Losses, _clock.Elapsed, remaining, null));
        });

    /// <summary>Reports a finished frame with its optimisation, if any; <paramref name="laterFrameTime"/> is what a warm (later) frame took, null for a first frame or one an earlier run had kept.</summary>
    public void FrameDone(int index, RgbImage image, StyleTransferResult? result, TimeSpan? laterFrameTime)
    {
        if (laterFrameTime is { } took)
        {
            _laterFramesTime += took;
            _laterFrames++;
        }

        if (sink is null)
        {
            return;
        }

        var losses = result?.FinalLosses ?? default;
        var iterations = result?.LossHistory.Count ?? 0;
        TimeSpan? remaining = frameCount is { } count && _laterFrames > 0 ? _laterFramesTime / _laterFrames * Math.Max(0, count - index - 1) : null;
        sink.Report(new VideoProgress(index, frameCount, iterations, iterations, losses, _clock.Elapsed, remaining, image));
    }

    private sealed class Reporter(Action<StyleTransferProgress> report) : IProgress<StyleTransferProgress>
    {
        public void Report(StyleTransferProgress value) => report(value);
    }
}
