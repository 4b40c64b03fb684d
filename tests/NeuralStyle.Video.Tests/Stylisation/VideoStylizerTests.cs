using NeuralStyle.Imaging;
using NeuralStyle.Video.Stylisation;

namespace NeuralStyle.Video.Tests.Stylisation;

/// <summary>
/// The video loop on a clip whose motion is known: a 64 × 48 window sliding over tubingen 2 px a
/// frame, so each frame is the one before moved 2 px to the left. With a heavy temporal term each
/// result is the one before moved the same way (checked on the pixels, not through the flow).
/// </summary>
public sealed class VideoStylizerTests
{
    private const int Width = 64, Height = 48, Step = 2, Margin = 8;

    [SkippableFact]
    public async Task With_a_heavy_temporal_term_each_result_is_the_previous_one_moved_with_the_picture()
    {
        var (weights, photo, still) = Still();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var settings = new VideoStyleOptions { Frame = still, LaterFrameIterations = 10, TemporalWeight = 1e12 };

        var results = new List<StylisedFrame>();
        await foreach (var frame in new VideoStylizer(new OptimisingPainter(engine, settings)).StyliseAsync(Clip(photo), null, FrameSpan.All, null, CancellationToken.None))
        {
            results.Add(frame);
        }

        Assert.Equal([0, 1, 2], results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal((Width, Height), (r.Image.Width, r.Image.Height)));
        for (var t = 1; t < results.Count; t++)
        {
            var moved = MeanDifferenceMoved(results[t - 1].Image, results[t].Image);
            Assert.True(moved < 3.0, $"frame {t} differs from frame {t - 1} moved {Step} px by {moved:F2} levels on average");
        }
    }

    [SkippableFact]
    public async Task Without_the_temporal_term_later_frames_still_start_from_the_warped_result_and_move_away_from_it()
    {
        var (weights, photo, still) = Still();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var held = new VideoStyleOptions { Frame = still, LaterFrameIterations = 10, TemporalWeight = 1e12 };
        var free = held with { TemporalWeight = 0 };

        var heldFrames = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, held)).StyliseAsync(Clip(photo), null, FrameSpan.All, null, CancellationToken.None));
        var freeFrames = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, free)).StyliseAsync(Clip(photo), null, FrameSpan.All, null, CancellationToken.None));

        Assert.Equal(heldFrames[0].Image.Pixels.ToArray(), freeFrames[0].Image.Pixels.ToArray()); // the first frame has no temporal term
        Assert.True(
            MeanDifferenceMoved(freeFrames[0].Image, freeFrames[1].Image) > MeanDifferenceMoved(heldFrames[0].Image, heldFrames[1].Image),
            "the temporal term holds a frame closer to the previous result than the warm start alone");
    }

    [SkippableFact]
    public async Task A_run_stopped_after_two_frames_goes_on_from_its_kept_frames_and_ends_as_an_uninterrupted_one()
    {
        var (weights, photo, still) = Still();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var settings = new VideoStyleOptions { Frame = still, LaterFrameIterations = 10, TemporalWeight = 1e9 };
        var folder = Directory.CreateTempSubdirectory("neuralstyle-frames-").FullName;
        try
        {
            var straight = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, settings)).StyliseAsync(Clip(photo), null, FrameSpan.All, null, CancellationToken.None));
            var store = new FrameStore(folder);
            await foreach (var frame in new VideoStylizer(new OptimisingPainter(engine, settings)).StyliseAsync(Clip(photo), store, FrameSpan.All, null, CancellationToken.None))
            {
                if (frame.Index == 1)
                {
                    break; // stopped: frames 0 and 1 are kept
                }
            }

            Assert.Equal(2, store.CountDone());
            var resumed = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, settings)).StyliseAsync(Clip(photo), new FrameStore(folder), FrameSpan.All, null, CancellationToken.None));

            Assert.Equal([true, true, false], resumed.Select(f => f.FromEarlierRun)); // only the last frame was computed again
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(straight[i].Image.Pixels.ToArray(), resumed[i].Image.Pixels.ToArray());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Video_mode_changes_less_along_the_motion_from_frame_to_frame_than_frames_stylised_alone()
    {
        var (weights, photo, still) = Still();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var options = new VideoStyleOptions { Frame = still, LaterFrameIterations = 10 }; // the default temporal weight

        var video = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, options)).StyliseAsync(Clip(photo), null, FrameSpan.All, null, CancellationToken.None));
        var alone = new List<RgbImage>();
        await foreach (var frame in Clip(photo))
        {
            alone.Add((await engine.RunAsync(still with { Content = frame, OutputSize = Width })).Image);
        }

        // The motion is known (2 px to the left a frame), so the change along it is measured without any flow.
        for (var t = 1; t < 3; t++)
        {
            var (ours, theirs) = (MeanDifferenceMoved(video[t - 1].Image, video[t].Image), MeanDifferenceMoved(alone[t - 1], alone[t]));
            Assert.True(ours < theirs / 2, $"frame {t}: video mode changed by {ours:F2} levels along the motion, frames alone by {theirs:F2}");
        }
    }

    [SkippableFact]
    public async Task With_long_term_terms_a_run_stopped_after_three_frames_resumes_to_the_frames_of_an_uninterrupted_one()
    {
        var (weights, photo, still) = Still();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var options = new VideoStyleOptions { Frame = still, LaterFrameIterations = 5, LongTermConsistency = true };
        var folder = Directory.CreateTempSubdirectory("neuralstyle-frames-").FullName;
        try
        {
            var straight = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, options)).StyliseAsync(Clip(photo, 6), null, FrameSpan.All, null, CancellationToken.None));
            await foreach (var frame in new VideoStylizer(new OptimisingPainter(engine, options)).StyliseAsync(Clip(photo, 6), new FrameStore(folder), FrameSpan.All, null, CancellationToken.None))
            {
                if (frame.Index == 2)
                {
                    break; // frames 0, 1 and 2 are kept: frame 5 needs frames 4, 3 and 1 back
                }
            }

            var resumed = await TestEnvironment.ToListAsync(new VideoStylizer(new OptimisingPainter(engine, options)).StyliseAsync(Clip(photo, 6), new FrameStore(folder), FrameSpan.All, null, CancellationToken.None));

            Assert.Equal([true, true, true, false, false, false], resumed.Select(f => f.FromEarlierRun));
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(straight[i].Image.Pixels.ToArray(), resumed[i].Image.Pixels.ToArray());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Mean 8-bit difference between <paramref name="later"/> and <paramref name="earlier"/> moved <see cref="Step"/> px left, away from the edges.</summary>
    private static double MeanDifferenceMoved(RgbImage earlier, RgbImage later)
    {
        var (a, b) = (earlier.Pixels.ToArray(), later.Pixels.ToArray());
        double sum = 0;
        var count = 0;
        for (var y = Margin; y < Height - Margin; y++)
        {
            for (var x = Margin; x < Width - Margin; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    sum += Math.Abs(b[(((y * Width) + x) * 3) + c] - a[(((y * Width) + x + Step) * 3) + c]);
                    count++;
                }
            }
        }

        return sum / count;
    }

    /// <summary>Three frames: a window over tubingen (at 256 px) sliding right by <see cref="Step"/> px a frame.</summary>
    private static async IAsyncEnumerable<RgbImage> Clip(string photoPath, int frames = 3)
    {
        var photo = RgbImage.Load(photoPath).ResizeToFit(256);
        for (var t = 0; t < frames; t++)
        {
            await Task.Yield();
            yield return Window(photo, 96 + (Step * t), 72);
        }
    }

    private static RgbImage Window(RgbImage photo, int left, int top)
    {
        var source = photo.Pixels;
        var pixels = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            source.Slice((((top + y) * photo.Width) + left) * 3, Width * 3).CopyTo(pixels.AsSpan(y * Width * 3));
        }

        return new RgbImage(Width, Height, pixels);
    }

    private static (string Weights, string Photo, StyleTransferOptions Still) Still()
    {
        var (weights, images) = TestEnvironment.RequireWeightsAndImages();
        var photo = Path.Combine(images, "tubingen.jpg");
        return (weights, photo, new StyleTransferOptions
        {
            Styles = [Path.Combine(images, "starry_night.jpg")],
            StartSize = 32,
            Iterations = 20,
            Seed = 1,
        });
    }
}
