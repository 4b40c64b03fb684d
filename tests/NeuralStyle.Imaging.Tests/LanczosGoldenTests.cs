using System.Text.Json;

namespace NeuralStyle.Imaging.Tests;

/// <summary>
/// The Lanczos-3 resampler against Pillow's (Fixtures/lanczos-golden.json, made by
/// Fixtures/make_lanczos_golden.py): shrinking, enlarging, and both at once.
/// </summary>
public class LanczosGoldenTests
{
    private static readonly Golden Fixture = JsonSerializer.Deserialize<Golden>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lanczos-golden.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<int, int> Targets()
    {
        var data = new TheoryData<int, int>();
        foreach (var target in Fixture.Resized)
        {
            data.Add(target.Width, target.Height);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Resizing_matches_Pillow_to_within_one_level_and_mostly_exactly(int width, int height)
    {
        var source = new RgbImage(Fixture.Width, Fixture.Height, Fixture.Pixels.Select(v => (byte)v).ToArray());
        var expected = Fixture.Resized.Single(r => r.Width == width && r.Height == height).Pixels;

        var actual = source.Resize(width, height).Pixels.ToArray();

        Assert.Equal(expected.Length, actual.Length);
        var differences = expected.Select((e, i) => Math.Abs(e - actual[i])).ToArray();
        // Pillow sums in double and this resampler in float: a value within rounding of .5 may round the other way.
        Assert.True(differences.Max() <= 1, $"largest difference {differences.Max()} levels");
        Assert.True(differences.Count(d => d != 0) <= expected.Length / 100, $"{differences.Count(d => d != 0)} of {expected.Length} values differ");
    }

    private sealed record Golden(int Width, int Height, int[] Pixels, Resized[] Resized);

    private sealed record Resized(int Width, int Height, int[] Pixels);
}
