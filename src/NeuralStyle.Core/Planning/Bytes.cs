using System.Globalization;

namespace NeuralStyle;

/// <summary>Memory sizes and durations as messages write them: "812 MB", "1.5 GB", "3 min 20 s".</summary>
internal static class Bytes
{
    /// <summary>Decimal units, one decimal: 812 MB, 1.5 GB.</summary>
    public static string Format(long bytes) => bytes >= 1_000_000_000
        ? (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB";

    public static string Duration(TimeSpan duration) => duration.TotalSeconds < 60
        ? $"{duration.TotalSeconds:0} s"
        : duration.TotalMinutes < 60 ? $"{(int)duration.TotalMinutes} min {duration.Seconds} s" : $"{(int)duration.TotalHours} h {duration.Minutes} min";
}
