namespace NeuralStyle;

/// <summary>
/// The coarse-to-fine schedule: the sizes (longest side) a run optimises at, and the iterations at
/// each. Sizes grow by √2 from the start size to the output size; a scale of long side s gets
/// round(Iterations · √(OutputSize / s)) iterations, so scales with more pixels get fewer. Scales
/// too small for the network's deepest layer are left out.
/// </summary>
internal sealed class ScaleSchedule
{
    private ScaleSchedule(IReadOnlyList<Scale> scales) => Scales = scales;

    /// <summary>The scales, smallest first; the last is the output size.</summary>
    public IReadOnlyList<Scale> Scales { get; }

    /// <summary>The iterations of all scales together.</summary>
    public int TotalIterations => Scales.Sum(s => s.Iterations);

    /// <summary>The schedule for a run.</summary>
    /// <param name="options">The output size, start size and iterations.</param>
    /// <param name="shortOverLong">The content's aspect ratio, shorter side over longer side.</param>
    /// <param name="minimumShortSide">Scales whose shorter side would be smaller than this (too small for the network) are left out.</param>
    public static ScaleSchedule For(StyleTransferOptions options, double shortOverLong = 1, int minimumShortSide = 1)
    {
        var output = options.OutputSize;
        var sizes = new List<int>();
        for (var k = 0; ; k++)
        {
            var size = (int)Math.Round(options.StartSize * Math.Pow(Math.Sqrt(2), k));
            if (size >= output * 0.95)
            {
                break; // Within 5 % of the output size: go straight to it.
            }

            if (Math.Round(size * shortOverLong) >= minimumShortSide)
            {
                sizes.Add(size);
            }
        }

        sizes.Add(output);
        return new ScaleSchedule(sizes
            .Select(size => new Scale(size, Math.Max(1, (int)Math.Round(options.Iterations * Math.Sqrt((double)output / size)))))
            .ToArray());
    }

    /// <summary>One scale: the longest side in pixels and the iterations spent there.</summary>
    public sealed record Scale(int Size, int Iterations);
}
