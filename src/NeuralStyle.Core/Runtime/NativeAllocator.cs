using System.Runtime.InteropServices;

namespace NeuralStyle;

/// <summary>
/// Tunes glibc's malloc for libtorch's large, short-lived buffers, and hands freed memory back to
/// the system after a run.
/// </summary>
/// <remarks>
/// <para>
/// By default glibc serves every allocation above 32 MB (and, until its dynamic threshold has
/// grown, above 128 KB) with a fresh mmap and gives it back with munmap when freed. A 512 px
/// iteration allocates and frees activations of up to 50 MB dozens of times, so each iteration
/// paid for new mappings and for the kernel zeroing their pages: about a fifth of a run's CPU
/// time was system time, and a 512 px iteration took 1.7–2.4 times as long, a 1024 px one 2.7
/// times (measured with the benchmark; docs/performance.md). Raising the mmap threshold and the
/// trim threshold to 1 GiB lets freed buffers be reused from the heap.
/// </para>
/// <para>
/// This is process-wide, so it is done once, only on Linux with glibc, only when the process has
/// not set its own malloc tuning (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> or
/// <c>GLIBC_TUNABLES</c>), and not when <c>NEURALSTYLE_MALLOC_TUNING=0</c>. Memory freed during a
/// run stays with the process until the run ends, when <see cref="ReleaseFreeMemory"/> returns it.
/// </para>
/// </remarks>
internal static class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int Threshold = 1 << 30;
    private const string OptOutVariable = "NEURALSTYLE_MALLOC_TUNING";

    private static readonly Lazy<bool> Tuned = new(TryTune, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the tuning is in effect in this process (applies it on first use).</summary>
    public static bool IsTuned => Tuned.Value;

    /// <summary>Applies the tuning once, where it applies; does nothing otherwise.</summary>
    public static void Configure() => _ = Tuned.Value;

    /// <summary>Returns the free memory the tuning kept to the system (after a run).</summary>
    public static void ReleaseFreeMemory()
    {
        if (Tuned.Value)
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

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(nuint pad);
}
