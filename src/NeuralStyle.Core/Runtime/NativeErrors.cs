using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NeuralStyle;

/// <summary>
/// Turns libtorch's errors, which TorchSharp raises as <see cref="ExternalException"/> with a C++
/// backtrace in the message, into the library's typed, one-line exceptions.
/// </summary>
internal static partial class NativeErrors
{
    /// <summary>Whether the error is libtorch's CPU (or CUDA) allocator failing to allocate.</summary>
    public static bool IsAllocationFailure(ExternalException error) =>
        error.Message.Contains("can't allocate memory", StringComparison.Ordinal)
        || error.Message.Contains("not enough memory", StringComparison.Ordinal)
        || error.Message.Contains("CUDA out of memory", StringComparison.Ordinal);

    /// <summary>The one-line exception for an allocation failure while working on <paramref name="what"/>.</summary>
    public static ComputeMemoryException OutOfMemory(ExternalException error, string what)
    {
        var match = RequestedBytesPattern().Match(error.Message);
        long? bytes = match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var size = bytes is { } b ? $" of {b / (double)(1L << 30):0.##} GiB" : string.Empty;
        return new ComputeMemoryException(
            $"Out of memory: an allocation{size} failed for {what}. Use a smaller output size, bfloat16 precision, or a machine with more free memory.",
            bytes,
            error);
    }

    [GeneratedRegex(@"tried to allocate (\d+) bytes")]
    private static partial Regex RequestedBytesPattern();
}
