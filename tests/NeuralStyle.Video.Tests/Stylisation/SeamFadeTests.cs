using NeuralStyle.Imaging;
using NeuralStyle.Video.Stylisation;

namespace NeuralStyle.Video.Tests.Stylisation;

/// <summary>The join's fade from one shard's tail into the next shard's frames, checked against arithmetic done by hand.</summary>
public sealed class SeamFadeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-seam-").FullName;

    [Fact]
    public async Task Seam_frames_fade_from_the_tail_into_the_next_shard_by_fifths_and_other_frames_are_kept_as_they_are()
    {
        var store = new FrameStore(_folder);
        for (var i = 0; i < 8; i++)
        {
            await store.SaveAsync(i, Flat(200), CancellationToken.None);
        }

        for (var i = 2; i < 6; i++)
        {
            await store.SaveTailAsync(i, Flat(10), CancellationToken.None);
        }

        // With 4 seam frames the next shard's weight is 1/5, 2/5, 3/5, 4/5: 10 + (200 − 10) · k/5.
        var levels = Enumerable.Range(0, 8).Select(i => SeamFade.Frame(store, [2], i).Pixels[0]).ToArray();

        Assert.Equal(new byte[] { 200, 200, 48, 86, 124, 162, 200, 200 }, levels);
    }

    [Fact]
    public async Task A_missing_tail_frame_is_named_in_one_line()
    {
        var store = new FrameStore(_folder);
        await store.SaveAsync(3, Flat(200), CancellationToken.None);

        var ex = Assert.Throws<VideoException>(() => SeamFade.Frame(store, [2], 3));

        Assert.Contains("Frame 3", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Mixing_rounds_each_channel_half_away_from_zero()
    {
        var from = new RgbImage(1, 1, [0, 1, 255]);
        var to = new RgbImage(1, 1, [3, 2, 0]);

        Assert.Equal(new byte[] { 2, 2, 128 }, SeamFade.Mix(from, to, 0.5).Pixels.ToArray()); // 1.5 → 2, 1.5 → 2, 127.5 → 128
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RgbImage Flat(byte level) => new(4, 2, Enumerable.Repeat(level, 4 * 2 * 3).ToArray());
}
