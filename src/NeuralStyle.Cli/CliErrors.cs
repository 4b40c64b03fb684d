namespace NeuralStyle.Cli;

/// <summary>Error messages as the tool prints them: one line, speaking of the command line's options.</summary>
internal static class CliErrors
{
    /// <summary>Runs <paramref name="build"/>, rethrowing an <see cref="ArgumentException"/> with the message in the command line's terms.</summary>
    public static T UnderOptionNames<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(Message(ex), ex);
        }
    }

    /// <summary>
    /// The first line of the message, without .NET's " (Parameter 'X')" suffix, and with a leading
    /// library option name replaced by its command-line option ("OutputSize must be …" becomes "--size must be …").
    /// </summary>
    public static string Message(Exception ex) => Printable(RunOptionCatalogue.Default.Message(ex, option => "--" + option.Name, OptionFronts.Cli));

    /// <summary>
    /// Text as the terminal may show it: control characters (C0, DEL and C1, which a file name may
    /// hold) written as <c>\x1B</c> escapes, so that a name cannot move the cursor, clear the
    /// screen or retitle the window. Every line the tool prints with a name or message in it goes through this.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(IsControl))
        {
            return text;
        }

        var printable = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            printable.Append(IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString());
        }

        return printable.ToString();
    }

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007F' and <= '\u009F';
}
