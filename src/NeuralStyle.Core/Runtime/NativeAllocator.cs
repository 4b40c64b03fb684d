using System.Runtime.InteropServices;

namespace NeuralStyle;

/// <summary>
/// glibc malloc's process-wide tuning for libtorch's large, short-lived buffers (see
/// <see cref="ProcessTuning.TuneNativeAllocator"/>), applied only when an app asks for it.
/// </summary>
/// <remarks>
/// By default glibc serves allocations above its mmap threshold (128 KB, growing dynamically up to
/// 32 MB) with a fresh mmap and returns them with munmap when freed. An iteration allocates and frees
/// activations of tens of megabytes many times, so without the tuning each iteration pays for new
/// mappings and for the kernel zeroing their pages. Raising the mmap and trim thresholds to 1 GiB
/// lets freed buffers be reused from the heap.
/// </remarks>
internal static class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int Threshold = 1 << 30;
    private const int TiledThreshold = 1 << 20;
    private const string OptOutVariable = "NEURALSTYLE_MALLOC_TUNING";

    private static readonly Lazy<bool> Tuned = new(TryTune, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object TiledWorkLock = new();
    private static int _tiledWork;

    /// <summary>Whether the tuning has been applied in this process.</summary>
    public static bool IsTuned => Tuned.IsValueCreated && Tuned.Value;

    /// <summary>Applies the tuning once, where it applies; returns whether it is in effect.</summary>
    public static bool Tune() => Tuned.Value;

    /// <summary>
    /// While the returned object lives, buffers of 1 MB or more are mapped for themselves and unmapped
    /// when freed, as without the tuning (where the tuning is in effect; nothing otherwise). For tiled
    /// scales: they make the same large buffers tile after tile among long-lived small results, and
    /// kept in the heap, the free memory between those results is never the right size again, so the
    /// heap grows tile after tile, to about twice what one tile needs (docs/large-images.md). A tiled
    /// scale is there to bound memory; a fresh mapping per buffer costs little beside a tile's step.
    /// Nested and concurrent uses are counted; the last one out restores the tuning.
    /// </summary>
    public static IDisposable ForTiledWork()
    {
        lock (TiledWorkLock)
        {
            if (_tiledWork++ == 0 && IsTuned)
            {
                _ = mallopt(MMmapThreshold, TiledThreshold);
            }
        }

        return new TiledWork();
    }

    /// <summary>Returns the free memory the tuning kept to the system.</summary>
    public static void ReleaseFreeMemory()
    {
        if (IsTuned)
        {
            _ = malloc_trim(0);
        }
    }
    private static bool TryTune()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable(OptOutVariable) == "0"
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null)
        {
            return false;
        }

        try
        {
            // mallopt returns 1 on success; musl has no tunable malloc and returns 0.
            return mallopt(MMmapThreshold, Threshold) == 1 && mallopt(MTrimThreshold, Threshold) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static void EndTiledWork()
    {
        lock (TiledWorkLock)
        {
            if (--_tiledWork == 0 && IsTuned)
            {
                _ = mallopt(MMmapThreshold, Threshold);
            }
        }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(nuint pad);

    private sealed class TiledWork : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                EndTiledWork();
            }
        }
    }
}
