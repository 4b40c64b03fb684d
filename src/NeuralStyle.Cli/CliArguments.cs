using System.Globalization;

namespace NeuralStyle.Cli;

/// <summary>The parsed command line: the run's options plus what only the tool needs.</summary>
internal sealed record CliArguments(StyleTransferOptions Options, bool Quiet, bool ShowHelp, bool ShowVersion)
{
    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a one-line message on bad input.</summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        string? output = null, weights = null;
        int? size = null, iterations = null, seed = null, threads = null;
        double? contentWeight = null, styleWeight = null, tvWeight = null;
        OptimizerKind? optimizer = null;
        bool quiet = false, overwrite = false, help = false, version = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "-h" or "--help": help = true; break;
                case "--version": version = true; break;
                case "-q" or "--quiet": quiet = true; break;
                case "--overwrite": overwrite = true; break;
                case "-o" or "--output": output = Value(); break;
                case "--weights": weights = Value(); break;
                case "--size": size = Int(arg, Value()); break;
                case "--iterations": iterations = Int(arg, Value()); break;
                case "--seed": seed = Int(arg, Value()); break;
                case "--threads": threads = Int(arg, Value()); break;
                case "--content-weight": contentWeight = Double(arg, Value()); break;
                case "--style-weight": styleWeight = Double(arg, Value()); break;
                case "--tv-weight": tvWeight = Double(arg, Value()); break;
                case "--optimizer":
                    optimizer = Value().ToLowerInvariant() switch
                    {
                        "adam" => OptimizerKind.Adam,
                        "lbfgs" or "l-bfgs" => OptimizerKind.Lbfgs,
                        var other => throw new ArgumentException($"--optimizer must be adam or lbfgs, not '{other}'."),
                    };
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new ArgumentException($"Unknown option '{arg}'. Run neural-style --help.");
                    }

                    positional.Add(arg);
                    break;
            }
        }

        if (help || version)
        {
            return new CliArguments(new StyleTransferOptions(), quiet, help, version);
        }

        if (positional.Count != 2)
        {
            throw new ArgumentException("Give a content image and a style image: neural-style CONTENT STYLE -o OUTPUT.");
        }

        if (output is null)
        {
            throw new ArgumentException("Give the output file with -o PATH (.png, .jpg or .webp).");
        }

        var defaults = new StyleTransferOptions();
        var options = new StyleTransferOptions
        {
            Content = positional[0],
            Style = positional[1],
            OutputPath = output,
            OverwriteOutput = overwrite,
            WeightsPath = weights,
            OutputSize = size ?? defaults.OutputSize,
            Iterations = iterations ?? defaults.Iterations,
            Optimizer = optimizer ?? defaults.Optimizer,
            ContentWeight = contentWeight ?? defaults.ContentWeight,
            StyleWeight = styleWeight ?? defaults.StyleWeight,
            TotalVariationWeight = tvWeight ?? defaults.TotalVariationWeight,
            Seed = seed,
            Threads = threads,
        };
        return new CliArguments(options, quiet, false, false);
    }

    private static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{option} needs a whole number, not '{value}'.");

    private static double Double(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new ArgumentException($"{option} needs a number, not '{value}'.");
}
