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
    public static string Message(Exception ex) => RunOptionCatalogue.Default.Message(ex, option => "--" + option.Name);
}
