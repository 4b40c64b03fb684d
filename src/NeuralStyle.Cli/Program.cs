using NeuralStyle.Cli;

// The process shell: Ctrl+C cancels the run (it stops within one iteration and writes nothing).
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
