namespace NeuralStyle.Cli;

/// <summary>What the command line asks of the tool itself, beside the run's options.</summary>
internal sealed record CliSettings
{
    public bool ShowHelp { get; init; }

    public bool ShowVersion { get; init; }

    public bool Quiet { get; init; }

    /// <summary>One JSON object per iteration on stdout, instead of the live display.</summary>
    public bool Json { get; init; }

    /// <summary>Stack traces with errors.</summary>
    public bool Verbose { get; init; }

    /// <summary>Write an intermediate image every this many iterations (0: never).</summary>
    public int SaveEvery { get; init; }
}
