using System.Diagnostics;

namespace NeuralStyle;

/// <summary>A run's clock, loss history and pace over the plan's scales, and the progress reports made from them.</summary>
internal sealed class RunProgress
{
    private readonly IReadOnlyList<PlannedScale> _scales;
    private readonly RunPace _pace;
    private readonly int _totalIterations;

    public RunProgress(IReadOnlyList<PlannedScale> scales)
    {
        _scales = scales;
        _pace = new RunPace(scales);
        _totalIterations = scales.Sum(s => s.Iterations);
        History = new List<LossTerms>(_totalIterations);
    }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public List<LossTerms> History { get; }

    /// <summary>Records one finished iteration at scale <paramref name="scale"/> (0-based).</summary>
    public void Done(int scale, LossTerms losses)
    {
        History.Add(losses);
        _pace.Done(scale);
    }

    /// <summary>Takes over a checkpoint's history (and the pace of its iterations); returns the scale to continue at.</summary>
    /// <exception cref="CheckpointException">The checkpoint's position does not fit the plan.</exception>
    public int Resume(RunCheckpoint checkpoint)
    {
        if (checkpoint.Scale < 0 || checkpoint.Scale >= _scales.Count || checkpoint.IterationInScale < 0 || checkpoint.IterationInScale > _scales[checkpoint.Scale].Iterations
            || checkpoint.History.Count != _scales.Take(checkpoint.Scale).Sum(s => s.Iterations) + checkpoint.IterationInScale)
        {
            throw new CheckpointException("The checkpoint's position does not fit this run's schedule; it belongs to another run.");
        }

        var scale = 0;
        var endOfScale = _scales[0].Iterations;
        foreach (var losses in checkpoint.History)
        {
            while (History.Count == endOfScale)
            {
                endOfScale += _scales[++scale].Iterations;
            }

            Done(scale, losses);
        }

        return checkpoint.Scale;
    }

    /// <summary>The report after the latest iteration, made at scale <paramref name="scale"/> (0-based).</summary>
    public StyleTransferProgress Report(int scale) =>
        new(History.Count, _totalIterations, History[^1], Clock.Elapsed, _pace.Remaining(Clock.Elapsed))
        {
            Scale = scale + 1,
            ScaleCount = _scales.Count,
            Width = _scales[scale].Width,
            Height = _scales[scale].Height,
        };
}
