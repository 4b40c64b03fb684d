using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// The hidden temporary files an atomic write makes beside its target, named so that their owner can
/// be proven: <c>.TARGET.HOST-PID-START-RANDOM.tmp</c>, where HOST is a hash of the machine's name,
/// PID the writing process's id and START its start time in whole seconds. A process removes a
/// leftover only when its owner is proven gone (same machine, and no process with that id started
/// then), so two processes writing into one folder never delete each other's files in flight, and
/// a name with <c>*</c> or <c>?</c> in it is never taken for a pattern.
/// </summary>
internal static partial class TemporaryFiles
{
    /// <summary>How far apart two readings of one process's start time may be (they are rounded to seconds).</summary>
    private const long StartToleranceSeconds = 2;

    private static readonly Lazy<string> ThisOwner = new(() => $"{HostHash(Environment.MachineName)}-{Environment.ProcessId}-{StartSeconds(Process.GetCurrentProcess())}");

    /// <summary>A new temporary name beside <paramref name="fullPath"/> owned by this process; the target's name is shortened if the whole would be longer than file systems allow.</summary>
    public static string NameFor(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath) ?? string.Empty;
        var suffix = $".{ThisOwner.Value}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}.tmp";
        var target = Path.GetFileName(fullPath);
        const int MaxNameBytes = 255;
        while (Encoding.UTF8.GetByteCount(target) + suffix.Length + 1 > MaxNameBytes)
        {
            target = target[..^1];
        }

        return Path.Combine(folder, "." + target + suffix);
    }

    /// <summary>
    /// Removes from <paramref name="folder"/> the temporary files whose owners are proven gone
    /// (written on this machine by a process that no longer runs); every other file is left alone.
    /// </summary>
    /// <returns>How many files were removed.</returns>
    public static int RemoveAbandoned(string folder)
    {
        var removed = 0;
        var host = HostHash(Environment.MachineName);
        foreach (var path in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { AttributesToSkip = 0, MatchType = MatchType.Simple }))
        {
            if (OwnerPattern().Match(Path.GetFileName(path)) is not { Success: true } match || match.Groups["host"].Value != host)
            {
                continue;
            }

            var pid = int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture);
            var start = long.Parse(match.Groups["start"].Value, CultureInfo.InvariantCulture);
            if (IsRunning(pid, start))
            {
                continue;
            }

            try
            {
                File.Delete(path);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover that cannot be removed is hidden and harms nothing.
            }
        }

        return removed;
    }

    /// <summary>Whether the process <paramref name="pid"/> that started at <paramref name="startSeconds"/> still runs (an id reused by a later process does not count).</summary>
    private static bool IsRunning(int pid, long startSeconds)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return Math.Abs(StartSeconds(process) - startSeconds) <= StartToleranceSeconds;
        }
        catch (ArgumentException)
        {
            return false; // No process has that id.
        }
        catch (InvalidOperationException)
        {
            return false; // It exited while being looked at.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true; // Not ours to inspect: it may well run.
        }
    }

    private static long StartSeconds(Process process) =>
        new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    private static string HostHash(string machineName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(machineName)))[..8];

    [GeneratedRegex(@"^\..+\.(?<host>[0-9a-f]{8})-(?<pid>[0-9]{1,10})-(?<start>[0-9]{1,19})-[0-9a-f]{8}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerPattern();
}
