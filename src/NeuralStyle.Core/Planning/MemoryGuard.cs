namespace NeuralStyle;

/// <summary>Refuses, before any work, a run that is expected to need more memory than it may use.</summary>
internal static class MemoryGuard
{
    /// <summary>Checks the plan of a run on its prepared inputs: the content at the output size, each style as it is scaled from.</summary>
    /// <returns>The run's plan, which says which scales are optimised in tiles.</returns>
    /// <exception cref="MemoryLimitException">The run's expected peak is above the limit.</exception>
    public static RunPlan Check(StyleTransferOptions options, RunInputs inputs)
    {
        var plan = RunPlan.For(options, inputs);
        if (plan.FitsInMemory || plan.MemoryLimitBytes is not { } bytes)
        {
            return plan;
        }

        var output = plan.Scales[^1];
        var largest = plan.LargestOutputSizeWithin(bytes);
        var source = options.MaxMemory is null ? "the memory available now" : "the limit it was given";
        var advice = (largest is { } size ? $"the largest output size that fits is {size} px" : "not even the smallest output size fits")
            + (options.Tiling || options.TileSize is not null ? string.Empty : ", or allow tiling");
        throw new MemoryLimitException(
            $"The run needs about {Bytes.Format(plan.PeakMemoryBytes)} at {output.Width} × {output.Height} px in {options.Precision}, more than the {Bytes.Format(bytes)} it may use ({source}); {advice}.",
            plan.PeakMemoryBytes,
            bytes,
            largest);
    }
}
