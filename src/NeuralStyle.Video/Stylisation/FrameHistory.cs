using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// The last few input frames and their results, newest first, as the temporal terms look back:
/// one frame for the short-term term, frames t−1, t−2 and t−4 for the long-term one.
/// </summary>
internal sealed class FrameHistory(int depth)
{
    private readonly LinkedList<(RgbImage Frame, RgbImage Result)> _entries = new();

    /// <summary>How far back the temporal terms look, in frames (1, or 4 for the long-term terms).</summary>
    public int Depth { get; } = depth;

    /// <summary>Whether there is a previous frame to start from.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The frames looked back to, as (how many frames back, input frame, result), nearest first; those not yet seen are left out.</summary>
    public IEnumerable<(int Back, RgbImage Frame, RgbImage Result)> LookBack()
    {
        var back = 0;
        foreach (var (frame, result) in _entries)
        {
            back++;
            if (back is 1 or 2 or 4 && back <= Depth)
            {
                yield return (back, frame, result);
            }
        }
    }

    /// <summary>Adds the newest frame and its result, forgetting what is too far back.</summary>
    public void Add(RgbImage frame, RgbImage result)
    {
        _entries.AddFirst((frame, result));
        while (_entries.Count > Depth)
        {
            _entries.RemoveLast();
        }
    }
}
