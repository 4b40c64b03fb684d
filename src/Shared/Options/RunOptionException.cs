namespace NeuralStyle;

/// <summary>A run option's value that cannot be taken; the front end puts the option's name before <see cref="Detail"/>.</summary>
internal sealed class RunOptionException : ArgumentException
{
    public RunOptionException(RunOption option, string detail, Exception? inner = null)
        : base($"{option.Name} {detail}", inner)
    {
        Option = option;
        Detail = detail;
    }

    /// <summary>The option whose value was refused.</summary>
    public RunOption Option { get; }

    /// <summary>What is wrong, without the option's name: "must be a whole number; it was 'big'."</summary>
    public string Detail { get; }
}
