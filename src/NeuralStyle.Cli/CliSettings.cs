namespace NeuralStyle.Cli;

/// <summary>What the command line asks of the tool itself, beside the run's options.</summary>
internal sealed record CliSettings
{
    public bool Quiet { get; init; }

    /// <summary>One JSON object per iteration on stdout, then one for the result, instead of the live display.</summary>
    public bool Json { get; init; }

    /// <summary>Stack traces with errors.</summary>
    public bool Verbose { get; init; }

    /// <summary>libtorch's intra-op thread count for the process; null leaves libtorch's choice.</summary>
    public int? Threads { get; init; }

    /// <summary>Print the run's plan (scales, peak memory, time) and run nothing.</summary>
    public bool Plan { get; init; }

    /// <summary>Write an intermediate image every this many iterations (0: never).</summary>
    public int SaveEvery { get; init; }

    /// <summary>Where the network's weights are and the device to compute on (<c>--weights</c>, <c>--device</c>).</summary>
    public StyleTransferEngineOptions Engine { get; init; } = new();
}
