namespace NeuralStyle;

/// <summary>
/// Estimates the time left in a coarse-to-fine run by work rather than by iterations: an iteration
/// costs about in proportion to its pixel count, so a scale with twice the pixels counts twice.
/// </summary>
internal sealed class RunPace
{
    private readonly double[] _workPerIteration;
    private readonly double _totalWork;
    private double _workDone;

    public RunPace(IReadOnlyList<PlannedScale> scales)
    {
        _workPerIteration = scales.Select(s => (double)s.Width * s.Height).ToArray();
        _totalWork = scales.Select((s, k) => s.Iterations * _workPerIteration[k]).Sum();
    }

    /// <summary>Records one finished iteration at scale <paramref name="scale"/> (0-based).</summary>
    public void Done(int scale) => _workDone += _workPerIteration[scale];

    /// <summary>The time left at the pace so far.</summary>
    public TimeSpan Remaining(TimeSpan elapsed) =>
        _workDone > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / _workDone * Math.Max(0, _totalWork - _workDone)) : TimeSpan.Zero;
}
