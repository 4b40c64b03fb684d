namespace NeuralStyle;

/// <summary>
/// Process-wide settings that make runs faster but affect everything else in the process too, so
/// the library never applies them by itself: an app opts in by calling these (the neural-style tool
/// and the benchmark do, at start).
/// </summary>
/// <remarks>
/// <para>
/// Without <see cref="TuneNativeAllocator"/>, glibc serves libtorch's large activation buffers with
/// fresh memory mappings and unmaps them when freed, many times per iteration; on Linux a 512 px
/// iteration then takes about twice as long (docs/performance.md has the measurements). Other
/// platforms and C libraries are not affected, and the call does nothing there.
/// </para>
/// <para>
/// Thread-safe. Each method can be called at any time, but <see cref="TuneNativeAllocator"/> helps
/// most before the first run, and <see cref="ReleaseFreeNativeMemory"/> only while no run is going.
/// </para>
/// </remarks>
public static class ProcessTuning
{
    /// <summary>
    /// On Linux with glibc, raises malloc's mmap and trim thresholds to 1 GiB, so that freed buffers
    /// are reused from the heap instead of being unmapped and mapped again. Skipped when the process
    /// has its own malloc tuning (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>,
    /// <c>GLIBC_TUNABLES</c>) or <c>NEURALSTYLE_MALLOC_TUNING=0</c> is set. Memory freed during a run
    /// then stays with the process until <see cref="ReleaseFreeNativeMemory"/>. While a run optimises
    /// a scale in tiles (<see cref="StyleTransferOptions.Tiling"/>), the mmap threshold is 1 MB
    /// instead, so that a tiled scale's memory stays bounded; it is raised again when no tiled scale
    /// is running.
    /// </summary>
    /// <returns>Whether the tuning is in effect.</returns>
    public static bool TuneNativeAllocator() => NativeAllocator.Tune();

    /// <summary>Whether <see cref="TuneNativeAllocator"/> has put the tuning into effect.</summary>
    public static bool IsNativeAllocatorTuned => NativeAllocator.IsTuned;

    /// <summary>
    /// Returns the free memory the tuned allocator keeps to the operating system (glibc's
    /// <c>malloc_trim</c>). Does nothing unless <see cref="TuneNativeAllocator"/> is in effect. Call it
    /// between runs, when no run is going: it walks the whole heap under its lock.
    /// </summary>
    public static void ReleaseFreeNativeMemory() => NativeAllocator.ReleaseFreeMemory();

    /// <summary>Sets libtorch's intra-op thread count, which every run in the process shares.</summary>
    /// <param name="threads">The number of threads, 1–1024.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded.</exception>
    public static void SetComputeThreads(int threads)
    {
        Guard.MustBeBetween(threads, 1, 1024);
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(threads);
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded.</exception>
    public static int ComputeThreads
    {
        get
        {
            TorchRuntime.EnsureLoaded();
            return TorchSharp.torch.get_num_threads();
        }
    }
}
