using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Where two shards meet, the join fades from the first shard's tail (its frames past its own end)
/// into the second shard's own frames over <see cref="VideoShard.SeamFrames"/> frames, so that the
/// texture, which each shard takes from its own first frame, changes gradually instead of at once.
/// Seam frame k (from 0) is (1 − a) · tail + a · own with a = (k + 1) / (SeamFrames + 1).
/// </summary>
internal static class SeamFade
{
    /// <summary>The weight of the next shard's own frame at seam frame <paramref name="k"/>.</summary>
    public static double WeightOfNext(int k) => (k + 1.0) / (VideoShard.SeamFrames + 1);

    /// <summary>(1 − <paramref name="weightOfTo"/>) · <paramref name="from"/> + <paramref name="weightOfTo"/> · <paramref name="to"/>, pixel by pixel, rounded.</summary>
    public static RgbImage Mix(RgbImage from, RgbImage to, double weightOfTo)
    {
        if (from.Width != to.Width || from.Height != to.Height)
        {
            Guard.ThrowArgument($"Frames of one clip must have one size; they were {from.Width} × {from.Height} and {to.Width} × {to.Height}.", nameof(to));
        }

        var a = from.Pixels;
        var b = to.Pixels;
        var mixed = new byte[a.Length];
        for (var i = 0; i < mixed.Length; i++)
        {
            mixed[i] = (byte)Math.Round(((1 - weightOfTo) * a[i]) + (weightOfTo * b[i]), MidpointRounding.AwayFromZero);
        }

        return new RgbImage(from.Width, from.Height, mixed);
    }

    /// <summary>
    /// Frame <paramref name="index"/> of the joined clip: the kept frame, or within a seam the fade
    /// from the previous shard's tail into it.
    /// </summary>
    /// <param name="store">The kept frames and tails.</param>
    /// <param name="seams">The first frame of each shard after the first (where its seam starts).</param>
    /// <param name="index">The frame.</param>
    /// <exception cref="VideoException">A tail frame the seam needs is missing.</exception>
    public static RgbImage Frame(FrameStore store, IReadOnlyList<int> seams, int index)
    {
        var own = store.Load(index);
        foreach (var start in seams)
        {
            var k = index - start;
            if (k >= 0 && k < VideoShard.SeamFrames)
            {
                if (!File.Exists(store.TailPathOf(index)))
                {
                    throw new VideoException($"Frame {index} of the tail that fades into the shard starting at frame {start} is missing from '{store.Folder}'; run the shard before it again, then join again.");
                }

                return Mix(store.LoadTail(index), own, WeightOfNext(k));
            }
        }

        return own;
    }
}
