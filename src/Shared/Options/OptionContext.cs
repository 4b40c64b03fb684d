namespace NeuralStyle;

/// <summary>What a front end lets its options reach.</summary>
/// <param name="FilesAllowed">Whether a value may name a file on this machine (the tool: yes; a web client: never).</param>
internal sealed record OptionContext(bool FilesAllowed)
{
    /// <summary>The tool's: files are the user's own.</summary>
    public static OptionContext Cli { get; } = new(true);

    /// <summary>The web app's: a client names no file of the server's.</summary>
    public static OptionContext Web { get; } = new(false);
}
