using System.CommandLine;
using System.Diagnostics;
using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>
/// <c>neural-style apply MODEL.onnx PHOTO... -o OUT</c>: each photo stylised by a trained style in one
/// pass, at its own size, on ONNX Runtime. With one photo OUT is the output file; with several it is
/// a folder that gets one PNG per photo, named after it. Every output is checked before any work (no
/// file replaced without --overwrite, none that is an input, every folder writable) and written
/// atomically; a photo that cannot be read is reported and passed over.
/// </summary>
internal static class ApplyRunner
{
    public static async Task<int> RunAsync(CliCommand command, ParseResult parse, TextWriter stderr, CancellationToken cancellationToken)
    {
        var quiet = parse.GetValue(command.Quiet);
        var verbose = parse.GetValue(command.Verbose);
        IReadOnlyList<(string Photo, string Output)> work;
        string modelPath;
        bool overwrite;
        try
        {
            (modelPath, work, overwrite) = Plan(command, parse);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Printable(ex.Message)}");
            return CliApp.BadInput;
        }

        FastStyleModel model;
        try
        {
            model = FastStyleModel.Load(modelPath);
        }
        catch (FastStyleModelException ex)
        {
            await stderr.WriteLineAsync($"neural-style: {CliErrors.Printable(ex.Message)}");
            return CliApp.BadInput;
        }

        using (model)
        {
            var failed = 0;
            foreach (var (photoPath, output) in work)
            {
                try
                {
                    var clock = Stopwatch.StartNew();
                    var photo = await RgbImage.LoadAsync(photoPath, cancellationToken: cancellationToken);
                    var stylised = await model.ApplyAsync(photo, cancellationToken);
                    await stylised.SaveAsync(output, new ImageSaveOptions { Overwrite = overwrite }, cancellationToken);
                    if (!quiet)
                    {
                        await stderr.WriteLineAsync($"wrote {CliErrors.Printable(output)} ({stylised.Width}×{stylised.Height} in {clock.Elapsed.TotalSeconds:F2} s)");
                    }
                }
                catch (OperationCanceledException)
                {
                    await stderr.WriteLineAsync("neural-style: cancelled; the outputs written so far are complete.");
                    return CliApp.Cancelled;
                }
                catch (Exception ex) when (ex is ImageLoadException or ImageSaveException)
                {
                    failed++;
                    await stderr.WriteLineAsync($"neural-style: {CliErrors.Printable(ex.Message)}");
                    if (verbose)
                    {
                        await stderr.WriteLineAsync(ex.ToString());
                    }
                }
            }

            return failed == 0 ? CliApp.Success : BatchRunner.SomeFailed;
        }
    }

    /// <summary>The model, each photo with its output, and whether outputs may be replaced; throws <see cref="ArgumentException"/> with a one-line message.</summary>
    private static (string Model, IReadOnlyList<(string Photo, string Output)> Work, bool Overwrite) Plan(CliCommand command, ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException($"{parse.Errors[0].Message} Run neural-style apply --help.");
        }

        // The optimisation's options (inherited from the main command) mean nothing to a trained style.
        foreach (var option in command.RunOptions.Select(o => o.Option).Concat([command.Device, command.Weights, command.Threads, command.Json]))
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} does not apply to a trained style; apply takes MODEL PHOTO... -o OUTPUT [--overwrite].");
            }
        }

        var model = parse.GetValue(command.ApplyModel)!;
        var photos = parse.GetValue(command.ApplyPhotos) ?? [];
        var output = parse.GetValue(command.ApplyOutput)!;
        var overwrite = parse.GetValue(command.ApplyOverwrite);
        var toFolder = photos.Length > 1 || Directory.Exists(output) || output.EndsWith(Path.DirectorySeparatorChar) || output.EndsWith(Path.AltDirectorySeparatorChar);
        var work = photos.Select(photo => (photo, toFolder ? Path.Combine(output, Path.GetFileNameWithoutExtension(photo) + ".png") : output)).ToArray();
        var inputs = photos.Append(model).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var groups = work.GroupBy(w => Path.GetFullPath(w.Item2), StringComparer.Ordinal).ToArray();
        foreach (var group in groups)
        {
            if (group.Count() > 1)
            {
                throw new ArgumentException($"'{group.First().photo}' and '{group.Skip(1).First().photo}' would both be written to '{group.Key}'; rename one, or apply them in two runs.");
            }

            if (inputs.Contains(group.Key))
            {
                throw new ArgumentException($"the output '{group.Key}' is one of the inputs; choose another output.");
            }

            if (!ImageFiles.HasWritableExtension(group.Key))
            {
                throw new ArgumentException($"cannot tell the image format of '{group.Key}'; end its name in .png, .jpg, .jpeg or .webp.");
            }
        }

        // The output folder is made only now, and removed again if an output in it cannot be written,
        // so that a refused run leaves nothing behind.
        var createdFolder = toFolder && !Directory.Exists(output);
        if (createdFolder)
        {
            try
            {
                Directory.CreateDirectory(output);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"cannot create the output folder '{output}': {ex.Message}");
            }
        }

        foreach (var group in groups)
        {
            if (AtomicFile.WhyNotWritable(group.Key, overwrite, "add --overwrite to replace it") is { } why)
            {
                if (createdFolder)
                {
                    Directory.Delete(output);
                }

                throw new ArgumentException($"cannot write '{group.Key}': {why}.");
            }
        }

        return (model, work, overwrite);
    }
}
