using System.CommandLine;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>The parsed command line: the run's options plus what only the tool needs.</summary>
internal sealed record CliArguments(StyleTransferOptions Options, CliSettings Settings)
{
    /// <summary>
    /// Parses the arguments (help and version requests aside). Throws <see cref="ArgumentException"/>
    /// with a one-line message on bad input, under the option's name: the catalogue's words for a
    /// malformed value, the library's for one out of range (<see cref="CliErrors"/>).
    /// </summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var command = new CliCommand();
        return From(command, command.Root.Parse(args));
    }

    /// <summary>The run's options and the tool's settings from a parse of <paramref name="command"/>.</summary>
    public static CliArguments From(CliCommand command, ParseResult parse)
    {
        ThrowIfErrors(parse);
        var settings = ToolSettings(command, parse);
        var content = parse.GetValue(command.Content);
        var styles = parse.GetValue(command.Styles) ?? [];
        if (content is null || styles.Length == 0)
        {
            throw new ArgumentException("Give a content image and at least one style image: neural-style CONTENT STYLE [STYLE...] -o OUTPUT.");
        }

        if (parse.GetResult(command.OptionFor("output")) is null && !settings.Plan)
        {
            throw new ArgumentException("Give the output file with -o PATH (.png, .jpg, .jpeg or .webp).");
        }

        return new CliArguments(CliErrors.UnderOptionNames(() => RunOptions(command, parse, content, styles)), settings);
    }

    /// <summary>The batch's settings and the options every run of it starts from (content and output are set per input).</summary>
    public static BatchArguments BatchFrom(CliCommand command, ParseResult parse)
    {
        ThrowIfErrors(parse);
        var settings = ToolSettings(command, parse);
        var styles = parse.GetValue(command.BatchStyles) ?? [];
        var template = CliErrors.UnderOptionNames(() => RunOptions(command, parse, null, styles));
        return new BatchArguments(
            template,
            settings,
            parse.GetValue(command.Inputs)!,
            parse.GetValue(command.OutputDirectory)!,
            parse.GetValue(command.Format) ?? ImageFormat.Png,
            parse.GetValue(command.Shard) ?? BatchShard.Whole);
    }

    /// <summary>The catalogue options the command line gives, applied to options for <paramref name="style"/> alone (for commands that take some of them).</summary>
    public static StyleTransferOptions ExplicitRunOptions(CliCommand command, ParseResult parse, string style) => RunOptions(command, parse, null, [style]);

    /// <summary>The catalogue options the command line gives, applied to options for <paramref name="styles"/> and no content (for a command whose content comes otherwise).</summary>
    public static StyleTransferOptions ExplicitRunOptions(CliCommand command, ParseResult parse, string[] styles) => RunOptions(command, parse, null, styles);

    private static void ThrowIfErrors(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException($"{parse.Errors[0].Message} Run neural-style --help.");
        }
    }

    private static CliSettings ToolSettings(CliCommand command, ParseResult parse)
    {
        var settings = new CliSettings
        {
            Quiet = parse.GetValue(command.Quiet),
            Json = parse.GetValue(command.Json),
            Verbose = parse.GetValue(command.Verbose),
            Plan = parse.GetValue(command.Plan),
            Threads = parse.GetValue(command.Threads),
            SaveEvery = parse.GetValue(command.SaveEvery) ?? 0,
            Engine = new StyleTransferEngineOptions { WeightsPath = parse.GetValue(command.Weights), Device = parse.GetValue(command.Device) ?? ComputeDevice.Cpu },
        };
        if (settings.SaveEvery < 0)
        {
            throw new ArgumentException("--save-every needs a number of iterations of at least 0.");
        }

        if (settings.Threads is { } threads && threads < 1)
        {
            throw new ArgumentException($"--threads needs at least 1 thread, not {threads}.");
        }

        return settings;
    }

    /// <summary>
    /// The run's options: the images, then every catalogue option the command line gives, in the
    /// catalogue's order (so that the learning rate finds its optimiser and the blend weights their styles).
    /// </summary>
    private static StyleTransferOptions RunOptions(CliCommand command, ParseResult parse, string? content, string[] styles)
    {
        var options = new StyleTransferOptions
        {
            Content = content is null ? null : ImageInput.FromFile(content),
            Styles = styles.Select(path => new StyleImage(path)).ToArray(),
        };
        foreach (var (entry, option) in command.RunOptions)
        {
            if (parse.GetResult(option) is null)
            {
                continue;
            }

            if (option is Option<bool> flag)
            {
                options = parse.GetValue(flag) ? entry.Apply(options, "true", OptionContext.Cli) : options;
            }
            else
            {
                options = entry.Apply(options, parse.GetValue((Option<string>)option)!, OptionContext.Cli);
            }
        }

        return options;
    }
}
