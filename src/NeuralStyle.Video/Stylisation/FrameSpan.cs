namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Which frames of a stream of a clip's frames (from frame 0) a run keeps: [<paramref name="Start"/>,
/// <paramref name="End"/>), after <paramref name="LeadIn"/> frames before <paramref name="Start"/>
/// that are stylised only to start warm and then dropped. Frames before those are passed over
/// unstylised, and the stream is not read past <paramref name="End"/>.
/// </summary>
internal sealed record FrameSpan(int Start, int End, int LeadIn)
{
    /// <summary>Every frame of the stream, kept.</summary>
    public static FrameSpan All { get; } = new(0, int.MaxValue, 0);

    /// <summary>The first frame stylised (lead-in included).</summary>
    public int FirstStylised => Math.Max(0, Start - LeadIn);
}
