using System.CommandLine.Parsing;
using System.Globalization;

namespace NeuralStyle.Cli;

/// <summary>
/// Parsers for option values that report a bad value as one line naming the option
/// ("--size needs a whole number, not 'big'.").
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

        result.AddError($"{OptionName(result)} needs a whole number, not '{value}'.");
        return null;
    }

    public static double? Double(ArgumentResult result) => Double(result, result.Tokens[0].Value);

    /// <summary>"0.7,0.3" gives [0.7, 0.3].</summary>
    public static double[]? Doubles(ArgumentResult result)
    {
        var values = new List<double>();
        foreach (var part in result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (Double(result, part) is not { } value)
            {
                return null;
            }

            values.Add(value);
        }

        return values.ToArray();
    }

    /// <summary>"block1_conv1,block2_conv1:0.5" gives layers with weights (1 when not given).</summary>
    public static IReadOnlyList<LayerWeight>? Layers(ArgumentResult result)
    {
        var layers = new List<LayerWeight>();
        foreach (var part in result.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length == 1)
            {
                layers.Add(new LayerWeight(pieces[0]));
            }
            else if (pieces.Length == 2 && Double(result, pieces[1]) is { } weight)
            {
                layers.Add(new LayerWeight(pieces[0], weight));
            }
            else
            {
                result.AddError($"{OptionName(result)} takes NAME or NAME:WEIGHT items separated by commas, not '{part}'.");
                return null;
            }
        }

        return layers;
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

        var names = choices.Select(c => c.Name).Distinct().ToArray();
        result.AddError($"{OptionName(result)} must be {string.Join(", ", names[..^1])} or {names[^1]}, not '{value}'.");
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

    /// <summary>"1.5GB" gives 1,500,000,000 (see <see cref="MemorySize"/>).</summary>
    public static long? Bytes(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (MemorySize.TryParse(value, out var bytes))
        {
            return bytes;
        }

        result.AddError($"{OptionName(result)} takes a memory size such as 1.5GB, 800MB or 2GiB, not '{value}'.");
        return null;
    }

    public static InitialImage Initialization(string value) => value.ToLowerInvariant() switch
    {
        "content" => InitialImage.Content,
        "noise" => InitialImage.Noise,
        _ => InitialImage.From(value),
    };

    private static double? Double(ArgumentResult result, string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
        {
            return x;
        }

        result.AddError($"{OptionName(result)} needs a number, not '{value}'.");
        return null;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
