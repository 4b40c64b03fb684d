using System.Diagnostics;
using System.Runtime.CompilerServices;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// The loop of a video run: reads the frames, has the painter make each from the frame and the
/// history of earlier frames and results, keeps each finished frame (and goes on after the kept
/// ones on a rerun), stylises a shard's lead-in and tail, and reports progress.
/// </summary>
internal sealed class VideoStylizer(IFramePainter painter)
{
    /// <summary>
    /// The stylised frames of <paramref name="span"/>, in order, as each is finished. With a
    /// <paramref name="store"/>, each is kept there as it is finished, and the frames it already
    /// holds are not computed again: the run goes on from the first missing one, warm from the kept
    /// results, as an uninterrupted run would have (kept frames are marked <see cref="StylisedFrame.FromEarlierRun"/>).
    /// </summary>
    /// <param name="frames">The clip's frames from frame 0, all of one size.</param>
    /// <param name="store">Where finished frames are kept; null to keep none.</param>
    /// <param name="span">Which frames are kept, how many before them are stylised to start warm, and how many after them are kept apart for the join.</param>
    /// <param name="progress">Where the run's progress goes; null for none.</param>
    /// <param name="cancellationToken">Stops within one iteration; the frames finished so far stay kept.</param>
    public async IAsyncEnumerable<StylisedFrame> StyliseAsync(
        IAsyncEnumerable<RgbImage> frames,
        FrameStore? store,
        FrameSpan span,
        VideoProgressTracker? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var history = new FrameHistory(painter.HistoryDepth);
        var done = store is null ? 0 : Math.Min(store.CountDone(span.Start), span.End - span.Start);

        // Kept frames give the history back, unless too few of them to fill it: then the lead-in is stylised again.
        var skipLeadIn = done >= history.Depth;
        var index = -1;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            index++;
            if (index >= span.EndStylised)
            {
                yield break;
            }

            if (index < span.FirstStylised || (skipLeadIn && index < span.Start))
            {
                continue;
            }

            var tail = index >= span.End;
            if (index >= span.Start && index < span.Start + done)
            {
                var kept = store!.Load(index);
                history.Add(frame, kept);
                progress?.FrameDone(index, kept, null, null);
                yield return new StylisedFrame(index, kept, null, FromEarlierRun: true);
                continue;
            }

            if (tail && store is not null && File.Exists(store.TailPathOf(index)))
            {
                history.Add(frame, store.LoadTail(index)); // kept by an earlier run
                continue;
            }

            var warm = !history.IsEmpty;
            var clock = Stopwatch.StartNew();
            var result = await painter.PaintAsync(frame, history, progress?.ForFrame(index), cancellationToken).ConfigureAwait(false);
            var took = clock.Elapsed;
            history.Add(frame, result.Image);
            if (index < span.Start)
            {
                continue; // lead-in: only to start warm
            }

            if (tail)
            {
                if (store is not null)
                {
                    await store.SaveTailAsync(index, result.Image, cancellationToken).ConfigureAwait(false);
                }

                continue; // for the join to fade from, not this segment's
            }

            if (store is not null)
            {
                await store.SaveAsync(index, result.Image, cancellationToken).ConfigureAwait(false);
            }

            progress?.FrameDone(index, result.Image, result.Result, warm ? took : null);
            yield return new StylisedFrame(index, result.Image, result.Result, FromEarlierRun: false);
        }
    }
}
