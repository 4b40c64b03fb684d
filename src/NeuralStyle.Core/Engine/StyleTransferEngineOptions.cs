namespace NeuralStyle;

/// <summary>
/// How a <see cref="StyleTransferEngine"/> loads its network and how many runs it makes at once.
/// Immutable; derive a changed copy with <c>options with { MaxConcurrentRuns = 2 }</c>.
/// </summary>
public sealed record StyleTransferEngineOptions
{
    private readonly int _maxConcurrentRuns = 1;

    /// <summary>
    /// The VGG19 weights file (Keras HDF5). Null searches <c>NEURALSTYLE_VGG19_WEIGHTS</c>, then the
    /// user cache, then downloads the official file, once, when the first network is loaded.
    /// </summary>
    public string? WeightsPath { get; init; }

    /// <summary>Receives progress if the weights must be downloaded.</summary>
    public IProgress<WeightsDownloadProgress>? WeightsDownloadProgress { get; init; }

    /// <summary>Where every run of the engine computes. Default <see cref="ComputeDevice.Cpu"/>.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>
    /// How many runs compute at once, 1–64; further runs wait for a slot (in the order they asked).
    /// Default 1: on a CPU, runs share libtorch's thread pool, so more at once rarely finish sooner,
    /// and each running run holds its own activations (about 0.3 GB at 256 px, 1.3 GB at 512 px).
    /// </summary>
    public int MaxConcurrentRuns { get => _maxConcurrentRuns; init { Guard.MustBeBetween(value, 1, 64, nameof(MaxConcurrentRuns)); _maxConcurrentRuns = value; } }

    /// <summary>Checks what the setters cannot.</summary>
    internal void Validate() => Guard.MustBeDefined(Device, nameof(Device));
}
