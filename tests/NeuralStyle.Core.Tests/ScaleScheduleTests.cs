namespace NeuralStyle.Core.Tests;

public sealed class ScaleScheduleTests
{
    [Fact]
    public void Sizes_grow_by_root_two_to_the_output_and_larger_scales_get_fewer_iterations()
    {
        var schedule = ScaleSchedule.For(new StyleTransferOptions { OutputSize = 512, StartSize = 128, Iterations = 100 });

        Assert.Equal([128, 181, 256, 362, 512], schedule.Scales.Select(s => s.Size));

        // round(100 · √(512 / s))
        Assert.Equal([200, 168, 141, 119, 100], schedule.Scales.Select(s => s.Iterations));
        Assert.Equal(728, schedule.TotalIterations);
    }

    [Fact]
    public void A_size_within_five_percent_of_the_output_is_skipped()
    {
        // 128 · √2³ = 362, 128 · √2⁴ = 512 ≥ 0.95 · 520: straight from 362 to 520.
        var schedule = ScaleSchedule.For(new StyleTransferOptions { OutputSize = 520, StartSize = 128 });

        Assert.Equal([128, 181, 256, 362, 520], schedule.Scales.Select(s => s.Size));
    }

    [Theory]
    [InlineData(128, 128)]
    [InlineData(256, 128)]
    [InlineData(1024, 512)]
    public void A_start_size_at_or_above_the_output_size_is_one_scale(int startSize, int outputSize)
    {
        var schedule = ScaleSchedule.For(new StyleTransferOptions { OutputSize = outputSize, StartSize = startSize, Iterations = 7 });

        var only = Assert.Single(schedule.Scales);
        Assert.Equal((outputSize, 7), (only.Size, only.Iterations));
    }

    [Fact]
    public void Scales_too_small_for_the_network_are_left_out()
    {
        // A 16:10 image: 24 → 15 px short side, below block5's 16; 34 → 21 is kept.
        var schedule = ScaleSchedule.For(new StyleTransferOptions { OutputSize = 48, StartSize = 24, Iterations = 3 }, 0.625, 16);

        Assert.Equal([34, 48], schedule.Scales.Select(s => s.Size));
    }
}
