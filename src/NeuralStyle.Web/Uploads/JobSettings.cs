using System.Globalization;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Uploads;

/// <summary>
/// The run options of a job from its form: the settings are named like the CLI's options without
/// dashes, in camelCase (<c>size</c>, <c>iterations</c>, <c>styleWeight</c>; case does not matter),
/// take the CLI's values (<c>precision=bfloat16</c>), and are checked by the library's own rules,
/// whose messages are reported under the field's name. The server's limits on size and iterations
/// apply on top.
/// </summary>
internal static class JobSettings
{
    /// <summary>The settings a job may give, each with what it sets.</summary>
    private static readonly Dictionary<string, Func<StyleTransferOptions, string, StyleTransferOptions>> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["size"] = (o, v) => o with { OutputSize = Int(v) },
        ["iterations"] = (o, v) => o with { Iterations = Int(v) },
        ["startSize"] = (o, v) => o with { StartSize = Int(v) },
        ["optimizer"] = (o, v) => o with { Optimizer = Choice(v, ("lbfgs", OptimizerKind.Lbfgs), ("l-bfgs", OptimizerKind.Lbfgs), ("adam", OptimizerKind.Adam)) },
        ["contentWeight"] = (o, v) => o with { ContentWeight = Double(v) },
        ["styleWeight"] = (o, v) => o with { StyleWeight = Double(v) },
        ["tvWeight"] = (o, v) => o with { TotalVariationWeight = Double(v) },
        ["styleScale"] = (o, v) => o with { StyleScale = Double(v) },
        ["average"] = (o, v) => o with { AveragingDecay = Double(v) },
        ["preserveColors"] = (o, v) => o with
        {
            ColorPreservation = Choice(v, ("none", ColorPreservation.None), ("match", ColorPreservation.MatchStyleToContent), ("luminance", ColorPreservation.LuminanceOnly)),
        },
        ["precision"] = (o, v) => o with
        {
            Precision = Choice(v, ("float32", ComputePrecision.Float32), ("fp32", ComputePrecision.Float32), ("bfloat16", ComputePrecision.BFloat16), ("bf16", ComputePrecision.BFloat16)),
        },
        ["pooling"] = (o, v) => o with { Pooling = Choice(v, ("max", Pooling.Max), ("average", Pooling.Average), ("avg", Pooling.Average)) },
        ["init"] = (o, v) => o with { Initialization = Choice(v, ("content", InitialImage.Content), ("noise", InitialImage.Noise)) },
        ["seed"] = (o, v) => o with { Seed = Int(v) },
    };

    /// <summary>The settings a job may give, for messages and the API description.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Fields.Keys, "learningRate", "styleBlend"];

    /// <summary>The run's options: the upload's images and settings.</summary>
    /// <exception cref="RequestRefusedException">A setting is unknown, malformed, out of the library's range or over the server's limit.</exception>
    public static StyleTransferOptions ToOptions(JobUpload upload, WebAppOptions limits)
    {
        var options = new StyleTransferOptions { Content = ImageInput.FromImage(upload.Content) };
        foreach (var (name, value) in upload.Settings)
        {
            if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new RequestRefusedException(
                    StatusCodes.Status400BadRequest,
                    "Unknown setting",
                    $"'{JobUploadReader.Shown(name)}' is not a setting; the settings are {string.Join(", ", Names)}.",
                    name);
            }
        }

        foreach (var (name, apply) in Fields)
        {
            if (upload.Settings.TryGetValue(name, out var value) && value.Length > 0)
            {
                options = Checked(name, () => apply(options, value));
            }
        }

        options = Checked("learningRate", () => WithLearningRate(options, upload.Settings.GetValueOrDefault("learningRate")));
        options = Checked("styleBlend", () => options with { Styles = Styles(upload, upload.Settings.GetValueOrDefault("styleBlend")) });
        Limit("size", options.OutputSize, limits.MaxSize);
        Limit("iterations", options.Iterations, limits.MaxIterations);
        return options;
    }

    /// <summary>A library option name as the API spells it: the CLI's name in camelCase ("content-weight" becomes "contentWeight").</summary>
    public static string FieldName(string cliName)
    {
        var parts = cliName.Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static StyleTransferOptions WithLearningRate(StyleTransferOptions options, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return options;
        }

        var rate = Double(value);
        return options.Optimizer == OptimizerKind.Adam
            ? options with { Adam = new AdamSettings { LearningRate = rate } }
            : options with { Lbfgs = new LbfgsSettings { LearningRate = rate } };
    }

    private static IReadOnlyList<StyleImage> Styles(JobUpload upload, string? blend)
    {
        var weights = string.IsNullOrEmpty(blend)
            ? Enumerable.Repeat(1.0, upload.Styles.Count).ToArray()
            : blend.Split(',', StringSplitOptions.TrimEntries).Select(Double).ToArray();
        if (weights.Length != upload.Styles.Count)
        {
            throw new ArgumentException($"needs one weight per style image: {upload.Styles.Count} styles, {weights.Length} weights.");
        }

        if (weights.Any(w => !(w >= 0) || !double.IsFinite(w)) || !(weights.Sum() > 0))
        {
            throw new ArgumentException("weights must be numbers of at least 0, not all 0.");
        }

        return upload.Styles.Select((image, i) => new StyleImage(image, weights[i])).ToArray();
    }

    /// <summary>Applies a setting, reporting a failure as a refusal that names the field.</summary>
    private static StyleTransferOptions Checked(string field, Func<StyleTransferOptions> apply)
    {
        try
        {
            return apply();
        }
        catch (ArgumentException ex)
        {
            var message = OptionNames.Message(ex, FieldName);
            if (!message.StartsWith(field, StringComparison.OrdinalIgnoreCase))
            {
                message = $"{field} {message}";
            }

            throw new RequestRefusedException(StatusCodes.Status400BadRequest, "Invalid setting", message, field);
        }
    }

    private static void Limit(string field, int value, int max)
    {
        if (value > max)
        {
            throw new RequestRefusedException(
                StatusCodes.Status400BadRequest,
                "Invalid setting",
                $"{field} must be at most {max} on this server; it was {value}.",
                field);
        }
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"must be a whole number; it was '{JobUploadReader.Shown(value)}'.");

    private static double Double(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new ArgumentException($"must be a number such as 0.5 or 1e-2; it was '{JobUploadReader.Shown(value)}'.");

    private static T Choice<T>(string value, params (string Name, T Value)[] choices)
    {
        foreach (var (name, choice) in choices)
        {
            if (name.Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw new ArgumentException($"must be one of {string.Join(", ", choices.Select(c => c.Name))}; it was '{JobUploadReader.Shown(value)}'.");
    }
}
