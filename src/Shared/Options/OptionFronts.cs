namespace NeuralStyle;

/// <summary>Which front ends offer a run option.</summary>
[Flags]
internal enum OptionFronts
{
    /// <summary>The <c>neural-style</c> tool, as <c>--name</c>.</summary>
    Cli = 1,

    /// <summary>The web app's job form, as <c>name</c> in camelCase.</summary>
    Web = 2,

    /// <summary>Both.</summary>
    Both = Cli | Web,
}
