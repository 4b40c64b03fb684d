using System.Globalization;

namespace NeuralStyle;

/// <summary>
/// How much memory this process may grow to now: its own resident memory plus what the system can
/// still give it. On Linux that is the smaller of MemAvailable (/proc/meminfo) and the room left
/// under every memory limit of the process's cgroups (v2 memory.max − memory.current, or v1
/// memory.limit_in_bytes − memory.usage_in_bytes). Elsewhere it is the physical memory the runtime
/// reports, an upper bound.
/// </summary>
internal static class AvailableMemory
{
    /// <summary>The bytes this process may grow to now, or null when the system does not say.</summary>
    public static long? ForThisProcess()
    {
        if (!OperatingSystem.IsLinux())
        {
            var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return total > 0 ? total : null;
        }

        var free = MemAvailable(ReadOrNull("/proc/meminfo"));
        foreach (var room in CgroupRooms())
        {
            free = free is null ? room : Math.Min(free.Value, room);
        }

        return free is null ? null : free + Environment.WorkingSet;
    }

    /// <summary>MemAvailable from the text of /proc/meminfo, in bytes; null when absent.</summary>
    public static long? MemAvailable(string? meminfo)
    {
        foreach (var line in (meminfo ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes) ? kilobytes * 1024 : null;
            }
        }

        return null;
    }

    /// <summary>The room left under a cgroup limit: limit − usage (at least 0); null when there is no limit ("max", or v1's huge "unlimited" value).</summary>
    public static long? Room(string? limit, string? usage)
    {
        if (!long.TryParse(limit?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max >= long.MaxValue / 2)
        {
            return null;
        }

        _ = long.TryParse(usage?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var current);
        return Math.Max(0, max - current);
    }

    /// <summary>The room under the limit of the process's cgroup and of each of its ancestors (v2), or of its v1 memory cgroup.</summary>
    private static IEnumerable<long> CgroupRooms()
    {
        foreach (var line in (ReadOrNull("/proc/self/cgroup") ?? string.Empty).Split('\n'))
        {
            var fields = line.Split(':', 3);
            if (fields.Length != 3)
            {
                continue;
            }

            if (fields[0] == "0" && fields[1].Length == 0)
            {
                // cgroup v2: the process's group, then each parent up to the root.
                for (var path = fields[2].TrimEnd('/'); ; path = path[..path.LastIndexOf('/')])
                {
                    var folder = "/sys/fs/cgroup" + path;
                    if (Room(ReadOrNull(folder + "/memory.max"), ReadOrNull(folder + "/memory.current")) is { } room)
                    {
                        yield return room;
                    }

                    if (path.Length == 0 || path.LastIndexOf('/') < 0)
                    {
                        break;
                    }
                }
            }
            else if (fields[1].Split(',').Contains("memory"))
            {
                var folder = "/sys/fs/cgroup/memory";
                if (Room(ReadOrNull(folder + "/memory.limit_in_bytes"), ReadOrNull(folder + "/memory.usage_in_bytes")) is { } room)
                {
                    yield return room;
                }
            }
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
