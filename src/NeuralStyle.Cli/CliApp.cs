using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// The tool's behaviour, apart from the process: parse, run, report, map failures to exit codes.
/// Exit codes: 0 success, 1 bad arguments or bad input (a checkpoint that does not fit included), 2 failure at run time, 3 a batch in which
/// some inputs failed, 130 cancelled.
/// </summary>
internal static class CliApp
{
    public const int Success = 0, BadInput = 1, RuntimeFailure = 2, Cancelled = 130;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var command = new CliCommand();
        var parse = command.Root.Parse(args);
        if (parse.Action is HelpAction)
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
        }

        if (parse.GetValue(command.Version))
        {
            await stdout.WriteLineAsync(Version);
            return Success;
        }

        if (parse.CommandResult.Command == command.Train)
        {
            return await TrainRunner.RunAsync(command, parse, stdout, stderr, cancellationToken);
        }

        if (parse.CommandResult.Command == command.Video)
        {
            return await VideoRunner.RunAsync(command, parse, stdout, stderr, cancellationToken);
        }

        if (parse.CommandResult.Command == command.Apply)
        {
            return await ApplyRunner.RunAsync(command, parse, stderr, cancellationToken);
        }

        if (parse.CommandResult.Command == command.Batch)
        {
            return await RunBatchAsync(command, parse, stdout, stderr, cancellationToken);
        }

        CliArguments cli;
        try
        {
            cli = CliArguments.From(command, parse);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
            return BadInput;
        }

        await WarnIfBFloat16IsEmulated(cli.Options, cli.Settings, stderr);
        if (cli.Settings.Plan)
        {
            return await PrintPlanAsync(cli.Options, stdout, stderr, cancellationToken);
        }

        if (cli.Options.OutputPath is { } output && !cli.Options.OverwriteOutput && File.Exists(output))
        {
            await stderr.WriteLineAsync($"neural-style: '{CliErrors.Printable(output)}' already exists; add --overwrite to replace it.");
            return BadInput;
        }

        if (cli.Settings.SaveEvery > 0 && !cli.Options.OverwriteOutput && ExistingIntermediate(cli.Options.OutputPath!) is { } existing)
        {
            await stderr.WriteLineAsync($"neural-style: '{CliErrors.Printable(existing)}' already exists, and --save-every writes files of that name; add --overwrite to replace them, or choose another output name.");
            return BadInput;
        }

        try
        {
            ApplyProcessSettings(cli.Settings);
            var options = WithIntermediateSaves(cli.Options, cli.Settings.SaveEvery);
            var result = await Run(options, cli.Settings, stdout, stderr, cancellationToken);
            await ReportResult(result, cli.Settings, stdout, stderr);
            return Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("neural-style: cancelled; no output was written.");
            return Cancelled;
        }
        catch (Exception ex) when (ex is ArgumentException or ImageLoadException or ImageSaveException or CheckpointException or MemoryLimitException)
        {
            await Report(stderr, ex, cli.Settings.Verbose);
            return BadInput;
        }
        catch (Exception ex)
        {
            await Report(stderr, ex, cli.Settings.Verbose);
            return RuntimeFailure;
        }
    }

    /// <summary>--plan: the run's scales, peak memory and time, and whether it fits the memory it may use.</summary>
    private static async Task<int> PrintPlanAsync(StyleTransferOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var plan = await StyleTransfer.PlanAsync(options, cancellationToken);
            await stdout.WriteLineAsync(plan.ToString());
            if (plan.MemoryLimitBytes is not { } limit)
            {
                await stdout.WriteLineAsync("limit unknown: the system does not say how much memory is available");
            }
            else if (plan.PeakMemoryBytes <= limit)
            {
                await stdout.WriteLineAsync($"fits: the limit is {Gigabytes(limit)} ({(options.MaxMemory is null ? "available now" : "--max-memory")})");
            }
            else
            {
                var largest = plan.LargestOutputSizeWithin(limit);
                await stdout.WriteLineAsync($"does not fit: the limit is {Gigabytes(limit)} ({(options.MaxMemory is null ? "available now" : "--max-memory")}); "
                    + (largest is { } size ? $"--size {size} fits" : "no size fits"));
            }

            return Success;
        }
        catch (Exception ex) when (ex is ArgumentException or ImageLoadException)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
            return BadInput;
        }
    }

    private static string Gigabytes(long bytes) => FormattableString.Invariant($"{bytes / 1e9:0.0} GB");

    private static async Task<int> RunBatchAsync(CliCommand command, ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        BatchArguments batch;
        IReadOnlyList<BatchRunner.BatchItem> work;
        try
        {
            batch = CliArguments.BatchFrom(command, parse);
            work = BatchRunner.Plan(batch); // the folder exists and no two inputs share an output
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
            return BadInput;
        }

        await WarnIfBFloat16IsEmulated(batch.Template, batch.Settings, stderr);
        try
        {
            ApplyProcessSettings(batch.Settings);
            return await BatchRunner.RunAsync(batch, work, stdout, stderr, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("neural-style: cancelled; the outputs written so far are complete, and a rerun does the rest.");
            return Cancelled;
        }
        catch (Exception ex)
        {
            await Report(stderr, ex, batch.Settings.Verbose);
            return RuntimeFailure;
        }
    }

    /// <summary>
    /// bfloat16 on a CPU that only emulates it is a valid choice, but about 30 times slower than
    /// float32: said on stderr before any work (also with --quiet and --json), and the run goes on as asked.
    /// </summary>
    private static async Task WarnIfBFloat16IsEmulated(StyleTransferOptions options, CliSettings settings, TextWriter stderr)
    {
        if (options.Precision == ComputePrecision.BFloat16 && ComputeSupport.BFloat16(settings.Engine.Device) == BFloat16Support.Emulated)
        {
            await stderr.WriteLineAsync(
                "neural-style: warning: this CPU has no bfloat16 arithmetic (AVX-512 BF16 or AMX), so bfloat16 is emulated and about 30 times slower than float32; use --precision float32.");
        }
    }

    /// <summary>
    /// The process-wide settings a tool may make (a library must not): glibc's allocator tuned for
    /// libtorch, and the thread count when --threads is given.
    /// </summary>
    private static void ApplyProcessSettings(CliSettings settings)
    {
        ProcessTuning.TuneNativeAllocator();
        if (settings.Threads is { } threads)
        {
            ProcessTuning.SetComputeThreads(threads);
        }
    }

    private static async Task ReportResult(StyleTransferResult result, CliSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new
            {
                result = result.OutputPath,
                width = result.Image.Width,
                height = result.Image.Height,
                iterations = result.LossHistory.Count,
                seed = result.Seed,
                total = result.FinalLosses.Total,
                content = result.FinalLosses.Content,
                style = result.FinalLosses.Style,
                tv = result.FinalLosses.TotalVariation,
                optimization_seconds = result.OptimizationTime.TotalSeconds,
            }));
        }
        else if (!settings.Quiet)
        {
            await stderr.WriteLineAsync(
                $"wrote {CliErrors.Printable(result.OutputPath ?? string.Empty)} ({result.Image.Width}×{result.Image.Height}, {result.LossHistory.Count} iterations in {result.OptimizationTime.TotalSeconds:F1} s, seed {result.Seed})");
        }
    }

    private static string Version =>
        typeof(StyleTransfer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static Task<StyleTransferResult> Run(StyleTransferOptions options, CliSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (settings.Json)
        {
            var progress = new CallbackProgress<StyleTransferProgress>(p => stdout.WriteLine(JsonSerializer.Serialize(new
            {
                iteration = p.Iteration,
                iterations = p.TotalIterations,
                scale = p.Scale,
                scales = p.ScaleCount,
                width = p.Width,
                height = p.Height,
                total = p.Losses.Total,
                content = p.Losses.Content,
                style = p.Losses.Style,
                tv = p.Losses.TotalVariation,
                elapsed_seconds = p.Elapsed.TotalSeconds,
                eta_seconds = p.EstimatedRemaining.TotalSeconds,
            })));
            return StyleTransfer.RunAsync(options, settings.Engine, progress, cancellationToken);
        }

        if (settings.Quiet)
        {
            return StyleTransfer.RunAsync(options, settings.Engine, null, cancellationToken);
        }

        return LiveProgress.RunAsync(options, settings.Engine, stderr, cancellationToken);
    }

    /// <summary>With --save-every N: out_0100.png (for out.png) beside the output every N iterations.</summary>
    private static StyleTransferOptions WithIntermediateSaves(StyleTransferOptions options, int every)
    {
        if (every == 0)
        {
            return options;
        }

        var output = options.OutputPath!;
        return options with
        {
            IntermediateImageInterval = every,
            IntermediateImage = (i, image) =>
                image.Save(IntermediatePath(output, i), new ImageSaveOptions { Quality = options.OutputQuality, Overwrite = options.OverwriteOutput }),
        };
    }

    /// <summary>Where --save-every writes iteration <paramref name="iteration"/>'s image: out_0100.png for out.png.</summary>
    private static string IntermediatePath(string output, int iteration) =>
        Path.Combine(Path.GetDirectoryName(output) ?? string.Empty, $"{Path.GetFileNameWithoutExtension(output)}_{iteration:D4}{Path.GetExtension(output)}");

    /// <summary>An existing file that --save-every would replace (OUTPUT_NNNN with four or more digits), or null; names are compared, never matched as patterns.</summary>
    private static string? ExistingIntermediate(string output)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        var (stem, extension) = (Path.GetFileNameWithoutExtension(output) + "_", Path.GetExtension(output));
        if (!Directory.Exists(folder))
        {
            return null;
        }

        return Directory.EnumerateFiles(folder).FirstOrDefault(path =>
        {
            var name = Path.GetFileName(path);
            return name.Length >= stem.Length + 4 + extension.Length
                && name.StartsWith(stem, StringComparison.Ordinal)
                && name.EndsWith(extension, StringComparison.Ordinal)
                && name[stem.Length..^extension.Length].All(char.IsAsciiDigit);
        });
    }

    /// <summary>The error in one line, and its stack trace with --verbose.</summary>
    internal static async Task Report(TextWriter stderr, Exception ex, bool verbose)
    {
        await stderr.WriteLineAsync($"neural-style: {CliErrors.Message(ex)}");
        if (verbose)
        {
            await stderr.WriteLineAsync(ex.ToString());
        }
    }
}
