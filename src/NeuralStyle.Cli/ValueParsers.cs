using System.CommandLine.Parsing;
using System.Globalization;

namespace NeuralStyle.Cli;

/// <summary>
/// Parsers for the tool's own option values (the run's options parse through the catalogue's
/// <see cref="OptionValues"/>), reporting a bad value as one line naming the option.
/// </summary>
internal static class ValueParsers
{
    public static int? Int(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        result.AddError($"{OptionName(result)} must be a whole number; it was '{OptionValues.Shown(value)}'.");
        return null;
    }

    /// <summary>One of the named choices (case-insensitive).</summary>
    public static T? Choice<T>(ArgumentResult result, IReadOnlyList<(string Name, T Value)> choices)
        where T : struct
    {
        var value = result.Tokens[0].Value;
        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        result.AddError($"{OptionName(result)} must be one of {string.Join(", ", choices.Select(c => c.Name))}; it was '{OptionValues.Shown(value)}'.");
        return null;
    }

    /// <summary>"2/5" gives shard 2 of 5 (0-based).</summary>
    public static BatchShard? Shard(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        var parts = value.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
        {
            return new BatchShard(index, count);
        }

        result.AddError($"{OptionName(result)} takes I/N with 0 ≤ I < N (for example 0/4), not '{value}'.");
        return null;
    }

    public static double? Double(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x))
        {
            return x;
        }

        result.AddError($"{OptionName(result)} must be a number; it was '{OptionValues.Shown(value)}'.");
        return null;
    }

    /// <summary>A time in a clip: seconds ("90", "12.5") or minutes and seconds ("1:30", "0:01:30.5").</summary>
    public static TimeSpan? Time(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        var parts = value.Split(':');
        double seconds = 0;
        var valid = parts.Length <= 3;
        for (var i = 0; valid && i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            valid = double.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var part) && (last || part == Math.Floor(part)) && (i == 0 || part < 60);
            seconds = (seconds * 60) + part;
        }

        if (valid && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        result.AddError($"{OptionName(result)} takes seconds (12.5) or minutes and seconds (1:30), not '{OptionValues.Shown(value)}'.");
        return null;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
