using System.Globalization;

namespace NeuralStyle;

/// <summary>
/// Memory sizes as people write them: a number with an optional unit, B, KB, MB, GB or TB (decimal:
/// 1 GB is 10⁹ bytes) or KiB, MiB, GiB, TiB (binary); case and a space before the unit do not matter.
/// </summary>
internal static class MemorySize
{
    /// <summary>Parses <paramref name="text"/>; false when it is not such a size of at least one byte.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        if (!double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        double? unit = trimmed[split..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1024,
            "MIB" => 1024 * 1024,
            "GIB" => 1024.0 * 1024 * 1024,
            "TIB" => 1024.0 * 1024 * 1024 * 1024,
            _ => null,
        };
        var value = number * (unit ?? double.NaN);
        if (!(value >= 1) || value >= long.MaxValue)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }
}
