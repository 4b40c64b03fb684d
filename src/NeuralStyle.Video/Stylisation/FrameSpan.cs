namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Which frames of a stream of a clip's frames (from frame 0) a run keeps: [<paramref name="Start"/>,
/// <paramref name="End"/>), after <paramref name="LeadIn"/> frames before <paramref name="Start"/>
/// that are stylised only to start warm and then dropped, and followed by <paramref name="Tail"/>
/// frames past <paramref name="End"/> kept apart, for the join to fade from this segment into the
/// next. Frames before the lead-in are passed over unstylised, and the stream is not read past the tail.
/// </summary>
internal sealed record FrameSpan(int Start, int End, int LeadIn, int Tail = 0)
{
    /// <summary>Every frame of the stream, kept.</summary>
    public static FrameSpan All { get; } = new(0, int.MaxValue, 0);

    /// <summary>The first frame stylised (lead-in included).</summary>
    public int FirstStylised => Math.Max(0, Start - LeadIn);

    /// <summary>The frame after the last one stylised (tail included).</summary>
    public long EndStylised => (long)End + Tail;
}
