using System.Diagnostics;
using System.Text.Json;
using NeuralStyle.Imaging;
using Spectre.Console;

namespace NeuralStyle.Cli;

/// <summary>
/// <c>neural-style batch</c>: every input of this process's shard stylised on one engine, one after
/// the other. Outputs are written atomically, so an output that exists is complete and is skipped;
/// a rerun after a crash does only what is left, and temporary files that killed processes left
/// in the output folder are removed first (never another live process's). An input that cannot be
/// read, stylised or written is reported and passed over; the batch goes on.
/// </summary>
internal static class BatchRunner
{
    /// <summary>Some inputs could not be stylised; the others were.</summary>
    public const int SomeFailed = 3;

    /// <summary>Stylises <paramref name="work"/>, this shard's inputs as <see cref="Plan"/> listed them.</summary>
    public static async Task<int> RunAsync(BatchArguments batch, IReadOnlyList<BatchItem> work, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(batch.OutputFolder);
        TemporaryFiles.RemoveAbandoned(batch.OutputFolder);
        await using var engine = new StyleTransferEngine(batch.Settings.Engine);
        var template = batch.Template;
        var tally = new BatchTally();
        if (batch.Settings.Quiet || batch.Settings.Json)
        {
            foreach (var item in work)
            {
                var outcome = await RunOneAsync(engine, template, item, stderr, cancellationToken);
                tally.Add(outcome);
                if (batch.Settings.Json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new { input = item.Input, output = item.Output, status = outcome.Status, seconds = outcome.Seconds, error = outcome.Error }));
                }
            }
        }
        else
        {
            await RunWithProgressBarAsync(engine, template, work, tally, stderr, cancellationToken);
        }

        if (!batch.Settings.Quiet)
        {
            await stderr.WriteLineAsync(
                $"batch: {tally.Done} done, {tally.Skipped} skipped (already there), {tally.Failed} failed, of {work.Count} input(s) in shard {batch.Shard.Index}/{batch.Shard.Count}");
        }

        return tally.Failed > 0 ? SomeFailed : CliApp.Success;
    }

    /// <summary>This shard's inputs (the folder's visible image files, by name) and their outputs.</summary>
    /// <exception cref="ArgumentException">The input folder is missing, or two inputs would write the same output.</exception>
    internal static IReadOnlyList<BatchItem> Plan(BatchArguments batch)
    {
        if (!Directory.Exists(batch.InputFolder))
        {
            throw new ArgumentException($"--inputs: the folder '{batch.InputFolder}' does not exist.");
        }

        var extension = batch.Format switch { ImageFormat.Jpeg => ".jpg", ImageFormat.Webp => ".webp", _ => ".png" };
        var inputs = ImageFiles.InFolder(batch.InputFolder);
        var items = inputs.Select(input => new BatchItem(input, Path.Combine(batch.OutputFolder, Path.GetFileNameWithoutExtension(input) + extension))).ToArray();

        // Checked on the whole folder, not the shard, so that every shard refuses the same batch.
        var clash = items.GroupBy(i => Path.GetFileName(i.Output), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new ArgumentException(
                $"--inputs: {string.Join(" and ", clash.Select(i => $"'{Path.GetFileName(i.Input)}'"))} would all be written to '{clash.Key}'; rename all but one.");
        }

        return items.Where(i => batch.Shard.Contains(Path.GetFileName(i.Input))).ToArray();
    }

    private static async Task RunWithProgressBarAsync(
        StyleTransferEngine engine, StyleTransferOptions template, IReadOnlyList<BatchItem> work, BatchTally tally, TextWriter stderr, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        var failures = new List<string>();
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var images = context.AddTask("images", maxValue: Math.Max(1, work.Count));
                foreach (var item in work)
                {
                    images.Description = Markup.Escape($"{tally.Total + 1}/{work.Count} {CliErrors.Printable(Path.GetFileName(item.Input))}");
                    var outcome = await RunOneAsync(engine, template, item, TextWriter.Null, cancellationToken);
                    tally.Add(outcome);
                    if (outcome.Error is not null)
                    {
                        failures.Add($"neural-style: {CliErrors.Printable(Path.GetFileName(item.Input))}: {outcome.Error}");
                    }

                    images.Increment(1);
                }

                images.Description = Markup.Escape($"{work.Count} images: {tally.Done} done, {tally.Skipped} skipped, {tally.Failed} failed");
            });
        foreach (var failure in failures)
        {
            await stderr.WriteLineAsync(failure);
        }
    }

    /// <summary>One input: skipped when its output exists, else stylised; an input that cannot be used is a failure, reported and passed over.</summary>
    private static async Task<BatchOutcome> RunOneAsync(StyleTransferEngine engine, StyleTransferOptions template, BatchItem item, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (File.Exists(item.Output))
        {
            return new BatchOutcome("skipped", 0, null);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await engine.RunAsync(template with { Content = ImageInput.FromFile(item.Input), OutputPath = item.Output, OverwriteOutput = false }, null, cancellationToken);
            return new BatchOutcome("done", clock.Elapsed.TotalSeconds, null);
        }
        catch (ImageSaveException) when (File.Exists(item.Output))
        {
            return new BatchOutcome("skipped", clock.Elapsed.TotalSeconds, null); // Another process (a shard of a wrong N) wrote it meanwhile.
        }
        catch (Exception ex) when (ex is ImageException or ArgumentException or DivergenceException or ComputeMemoryException or MemoryLimitException or CheckpointException)
        {
            var message = CliErrors.Message(ex);
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Printable(Path.GetFileName(item.Input))}: {message}");
            return new BatchOutcome("failed", clock.Elapsed.TotalSeconds, message);
        }
    }

    /// <summary>An input and the output it is stylised into.</summary>
    internal sealed record BatchItem(string Input, string Output);

    private sealed record BatchOutcome(string Status, double Seconds, string? Error);

    private sealed class BatchTally
    {
        public int Done { get; private set; }

        public int Skipped { get; private set; }

        public int Failed { get; private set; }

        public int Total => Done + Skipped + Failed;

        public void Add(BatchOutcome outcome)
        {
            switch (outcome.Status)
            {
                case "done": Done++; break;
                case "skipped": Skipped++; break;
                default: Failed++; break;
            }
        }
    }
}
