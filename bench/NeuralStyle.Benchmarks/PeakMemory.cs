using System.Globalization;

namespace NeuralStyle.Benchmarks;

/// <summary>This process's peak resident memory (VmHWM in /proc/self/status; Linux only).</summary>
internal static class PeakMemory
{
    public static long Bytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
