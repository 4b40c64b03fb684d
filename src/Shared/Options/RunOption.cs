namespace NeuralStyle;

/// <summary>
/// One setting of a run as the front ends offer it, declared once for all of them: its name (the
/// tool's <c>--name</c>, the web form's <c>name</c> in camelCase), what it does, how its value is
/// written, the library property whose messages it answers for, and what it sets.
/// </summary>
internal sealed record RunOption
{
    private readonly Func<StyleTransferOptions, string, OptionContext, StyleTransferOptions> _apply;

    /// <param name="name">The name in kebab-case, "content-weight".</param>
    /// <param name="description">What it does, for the help and the API's description.</param>
    /// <param name="valueName">How the value is written in the help ("N", "X", "lbfgs|adam"); null for a flag.</param>
    /// <param name="defaultText">The default as the help shows it; null when there is none to show.</param>
    /// <param name="fronts">Which front ends offer it.</param>
    /// <param name="property">The library property it sets, whose argument errors it reports under its own name; null for none.</param>
    /// <param name="apply">Sets the value (its text; "true" for a flag) on the options; throws <see cref="ArgumentException"/> with a message that does not name the option.</param>
    public RunOption(string name, string description, string? valueName, string? defaultText, OptionFronts fronts, string? property, Func<StyleTransferOptions, string, OptionContext, StyleTransferOptions> apply)
    {
        Name = name;
        Description = description;
        ValueName = valueName;
        DefaultText = defaultText;
        Fronts = fronts;
        Property = property;
        _apply = apply;
    }

    public string Name { get; }

    public string Description { get; }

    public string? ValueName { get; }

    public string? DefaultText { get; }

    public OptionFronts Fronts { get; }

    public string? Property { get; }

    /// <summary>Whether it takes no value: given means on.</summary>
    public bool IsFlag => ValueName is null;

    /// <summary>The tool's single runs only, not each run of a batch (where to write, checkpoints).</summary>
    public bool SingleRunOnly { get; init; }

    /// <summary>Names beyond its property that library messages call it by ("ImageLoadOptions.MaxPixelCount"); messages are given the front end's name instead.</summary>
    public IReadOnlyList<string> MessageNames { get; init; } = [];

    /// <summary>Other names the tool takes it by ("-o").</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The values the tool completes; none when the value is free.</summary>
    public IReadOnlyList<string> Completions { get; init; } = [];

    /// <summary>The name as the web form spells it: camelCase ("content-weight" is "contentWeight").</summary>
    public string FieldName
    {
        get
        {
            var parts = Name.Split('-');
            return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        }
    }

    /// <summary>The options with this option's value set.</summary>
    /// <exception cref="RunOptionException">The value is malformed or out of the library's range; the message names this option.</exception>
    public StyleTransferOptions Apply(StyleTransferOptions options, string value, OptionContext context)
    {
        try
        {
            return _apply(options, value, context);
        }
        catch (RunOptionException)
        {
            throw;
        }
        catch (ArgumentException ex)
        {
            throw new RunOptionException(this, RunOptionCatalogue.Detail(ex), ex);
        }
    }
}
