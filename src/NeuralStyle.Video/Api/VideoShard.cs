namespace NeuralStyle.Video;

/// <summary>
/// One of <see cref="Count"/> contiguous segments of a clip, for stylising a clip on several
/// machines at once: shard <see cref="Index"/> keeps frames [Index · n / Count, (Index + 1) · n / Count)
/// of the clip's n frames. It starts <see cref="LeadInFrames"/> frames earlier and drops them, so
/// that its first frame is warm like any other; and it goes on <see cref="SeamFrames"/> frames past
/// its end, kept apart, so that the join fades from its texture into the next shard's instead of
/// cutting (each shard's texture comes from its own first frame).
/// </summary>
public sealed record VideoShard
{
    /// <summary>The frames a shard stylises before its own and drops: enough for the texture to settle into the previous segment's.</summary>
    public const int LeadInFrames = 4;

    /// <summary>The frames over which the join fades from one shard into the next; each shard but the last stylises them past its end.</summary>
    public const int SeamFrames = 4;

    /// <param name="index">The shard, from 0.</param>
    /// <param name="count">The shards in all, 1–10 000.</param>
    public VideoShard(int index, int count)
    {
        Guard.MustBeBetween(count, 1, 10_000, nameof(count));
        Guard.MustBeBetween(index, 0, count - 1, nameof(index));
        (Index, Count) = (index, count);
    }

    /// <summary>The whole clip as one shard.</summary>
    public static VideoShard Whole { get; } = new(0, 1);

    /// <summary>The shard, from 0.</summary>
    public int Index { get; }

    /// <summary>The shards in all.</summary>
    public int Count { get; }

    /// <summary>The first frame this shard keeps, of a clip of <paramref name="frames"/> frames.</summary>
    internal int FirstFrame(int frames) => (int)((long)Index * frames / Count);

    /// <summary>The frame after the last this shard keeps; the last shard goes on to the clip's real end, whatever its estimated length.</summary>
    internal int EndFrame(int frames) => Index == Count - 1 ? int.MaxValue : (int)((long)(Index + 1) * frames / Count);

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
