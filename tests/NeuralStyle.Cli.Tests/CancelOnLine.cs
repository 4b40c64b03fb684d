namespace NeuralStyle.Cli.Tests;

/// <summary>Stands for stderr, and presses Ctrl+C when a line holding <paramref name="text"/> is written.</summary>
internal sealed class CancelOnLine(string text, CancellationTokenSource cancellation) : StringWriter
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value?.Contains(text, StringComparison.Ordinal) == true)
        {
            cancellation.Cancel();
        }
    }
}
