using System.Globalization;

namespace NeuralStyle;

/// <summary>
/// The text forms of option values, shared by the front ends: each parser returns the value or
/// throws an <see cref="ArgumentException"/> whose message says what is wrong without naming the
/// option ("must be a whole number; it was 'big'.").
/// </summary>
internal static class OptionValues
{
    public static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException(IsWholeNumber(value) ? $"is too large; it was '{Shown(value)}'." : $"must be a whole number; it was '{Shown(value)}'.");

    /// <summary>Whether the text is a whole number of any size (digits after an optional sign), which int or long may still not hold.</summary>
    private static bool IsWholeNumber(string value) =>
        value.Length is > 0 and < 400 && value.TrimStart('-', '+').Length > 0 && value.TrimStart('-', '+').All(char.IsAsciiDigit) && value.LastIndexOfAny(['-', '+']) <= 0;

    public static long Long(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException(IsWholeNumber(value) ? $"is too large; it was '{Shown(value)}'." : $"must be a whole number; it was '{Shown(value)}'.");

    public static double Double(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new ArgumentException($"must be a number such as 0.5 or 1e-2; it was '{Shown(value)}'.");

    /// <summary>"0.7,0.3" gives [0.7, 0.3].</summary>
    public static double[] Doubles(string value) => value.Split(',', StringSplitOptions.TrimEntries).Select(Double).ToArray();

    /// <summary>One of the named choices, case-insensitive.</summary>
    public static T Choice<T>(string value, IReadOnlyList<(string Name, T Value)> choices)
    {
        foreach (var (name, choice) in choices)
        {
            if (name.Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw new ArgumentException($"must be one of {string.Join(", ", choices.Select(c => c.Name))}; it was '{Shown(value)}'.");
    }

    /// <summary>"block1_conv1,block2_conv1:0.5" gives layers with weights (1 when not given).</summary>
    public static IReadOnlyList<LayerWeight> Layers(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var pieces = part.Split(':');
            return pieces.Length switch
            {
                1 => new LayerWeight(pieces[0]),
                2 => new LayerWeight(pieces[0], Double(pieces[1])),
                _ => throw new ArgumentException($"takes NAME or NAME:WEIGHT items separated by commas; '{Shown(part)}' is neither."),
            };
        }).ToArray();

    /// <summary>"1.5GB" gives 1,500,000,000 (see <see cref="MemorySize"/>).</summary>
    public static long Bytes(string value) =>
        MemorySize.TryParse(value, out var bytes)
            ? bytes
            : throw new ArgumentException($"must be a memory size such as 1.5GB, 800MB or 2GiB; it was '{Shown(value)}'.");

    /// <summary>
    /// One blend weight per style, each at least 0 and not all 0, applied to the styles in order:
    /// the one place the rule is written.
    /// </summary>
    public static IReadOnlyList<StyleImage> Blend(IReadOnlyList<StyleImage> styles, string value)
    {
        var weights = Doubles(value);
        if (weights.Length != styles.Count)
        {
            throw new ArgumentException($"needs one weight per style image: {styles.Count} styles, {weights.Length} weights.");
        }

        if (weights.Any(w => !(w >= 0)) || !(weights.Sum() > 0))
        {
            throw new ArgumentException("weights must be numbers of at least 0, not all 0.");
        }

        return styles.Select((s, i) => new StyleImage(s.Image, weights[i], s.Mask)).ToArray();
    }

    /// <summary>One mask file per style, comma-separated, applied to the styles in order.</summary>
    public static IReadOnlyList<StyleImage> Masks(IReadOnlyList<StyleImage> styles, string value)
    {
        var masks = value.Split(',', StringSplitOptions.TrimEntries);
        if (masks.Length != styles.Count)
        {
            throw new ArgumentException($"needs one mask per style image: {styles.Count} styles, {masks.Length} masks.");
        }

        return styles.Select((s, i) => new StyleImage(s.Image, s.Weight, ImageInput.FromFile(masks[i]))).ToArray();
    }

    /// <summary>A value as a message shows it: control characters dropped, at most 40 characters.</summary>
    public static string Shown(string value)
    {
        var printable = new string(value.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return printable.Length < value.Length ? printable + "…" : printable;
    }
}
