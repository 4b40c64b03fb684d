using Spectre.Console;

namespace NeuralStyle.Cli;

/// <summary>A live progress display on stderr: the weights download, then iterations with loss terms, speed and ETA.</summary>
internal static class LiveProgress
{
    public static async Task<StyleTransferResult> RunAsync(StyleTransferOptions options, StyleTransferEngineOptions engine, TextWriter stderr, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        StyleTransferResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 16 }, new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask? download = null;
                var iterations = context.AddTask("starting", maxValue: 1);
                var withDownload = engine with
                {
                    WeightsDownloadProgress = new CallbackProgress<WeightsDownloadProgress>(d =>
                    {
                        download ??= context.AddTask("downloading VGG19 weights", maxValue: d.TotalBytes ?? 80_000_000);
                        download.Value = d.BytesReceived;
                    }),
                };
                var progress = new CallbackProgress<StyleTransferProgress>(p =>
                {
                    iterations.MaxValue = p.TotalIterations;
                    iterations.Description = Markup.Escape(
                        $"{p.Iteration}/{p.TotalIterations} scale {p.Scale}/{p.ScaleCount} ({p.Width}×{p.Height}) loss {p.Losses.Total:G3} (c {p.Losses.Content:G3} s {p.Losses.Style:G3} tv {p.Losses.TotalVariation:G3}) {p.IterationsPerSecond:F2} it/s");
                    iterations.Value = p.Iteration;
                });
                result = await StyleTransfer.RunAsync(options, withDownload, progress, cancellationToken);
            });
        return result!;
    }
}
