using System.Reflection;
using NeuralStyle;
using NeuralStyle.Cli;
using NeuralStyle.Imaging;

// A thin shell over StyleTransfer.RunAsync. Exit codes: 0 success, 1 bad arguments or input,
// 2 failure at run time, 130 cancelled (Ctrl+C).
CliArguments cli;
try
{
    cli = CliArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"neural-style: {ex.Message}");
    return 1;
}

if (cli.ShowHelp)
{
    Console.WriteLine(Usage.Text);
    return 0;
}

if (cli.ShowVersion)
{
    Console.WriteLine(typeof(StyleTransfer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    return 0;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var progress = new Progress<StyleTransferProgress>(p =>
{
    if (!cli.Quiet)
    {
        Console.Error.Write(
            $"\riteration {p.Iteration}/{p.TotalIterations}  total {p.Losses.Total:E3}  content {p.Losses.Content:E3}  style {p.Losses.Style:E3}  " +
            $"tv {p.Losses.TotalVariation:E3}  {p.IterationsPerSecond:F2} it/s  ETA {p.EstimatedRemaining:hh\\:mm\\:ss}   ");
    }
});

try
{
    var result = await StyleTransfer.RunAsync(cli.Options, progress, cancellation.Token);
    if (!cli.Quiet)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine($"wrote {result.OutputPath} ({result.Image.Width}×{result.Image.Height}) in {result.OptimizationTime.TotalSeconds:F1} s");
    }

    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine("neural-style: cancelled; nothing was written.");
    return 130;
}
catch (Exception ex) when (ex is ArgumentException or ImageLoadException or ImageSaveException or WeightsException)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine($"neural-style: {ex.Message}");
    return 1;
}
catch (NeuralStyleException ex)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine($"neural-style: {ex.Message}");
    return 2;
}
