using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// The one rule for every file a run writes (its output and its checkpoint), checked before any
/// input is decoded: the destination is a file in an existing folder that takes new files; an
/// existing file is replaced only when allowed (<see cref="StyleTransferOptions.OverwriteOutput"/>,
/// or the checkpoint being resumed from); no destination is one of the run's inputs or the other
/// destination.
/// </summary>
internal static class RunDestinations
{
    /// <exception cref="ImageSaveException">The output cannot be written.</exception>
    /// <exception cref="CheckpointException">The checkpoint cannot be kept where asked.</exception>
    public static void Check(StyleTransferOptions options)
    {
        var inputs = Inputs(options);
        if (options.OutputPath is { } output)
        {
            if (inputs.FirstOrDefault(i => SameFile(i.Path, output)) is { Path: not null } input)
            {
                throw new ImageSaveException(output, $"it is the run's {input.Role}; choose another output path");
            }

            if (AtomicFile.WhyNotWritable(output, options.OverwriteOutput, $"set {nameof(StyleTransferOptions.OverwriteOutput)} to replace it") is { } reason)
            {
                throw new ImageSaveException(output, reason);
            }
        }

        if (options.CheckpointPath is { } checkpoint)
        {
            if (options.OutputPath is { } same && SameFile(same, checkpoint))
            {
                throw new CheckpointException($"The checkpoint and the output are the same file, '{checkpoint}'; give the checkpoint a path of its own.");
            }

            if (inputs.FirstOrDefault(i => SameFile(i.Path, checkpoint)) is { Path: not null } input)
            {
                throw new CheckpointException($"The checkpoint '{checkpoint}' is the run's {input.Role}; give the checkpoint a path of its own.");
            }

            var resumingFromIt = options.ResumeFrom is { } resume && SameFile(resume, checkpoint);
            var reason = AtomicFile.WhyNotWritable(
                checkpoint,
                options.OverwriteOutput || resumingFromIt,
                $"set {nameof(StyleTransferOptions.OverwriteOutput)} to replace it, or {nameof(StyleTransferOptions.ResumeFrom)} it to continue its run");
            if (reason is not null)
            {
                throw new CheckpointException($"The checkpoint cannot be kept at '{checkpoint}': {reason}.");
            }
        }
    }

    /// <summary>The run's input files with what each is for, for messages.</summary>
    private static IEnumerable<(string? Path, string Role)> Inputs(StyleTransferOptions options)
    {
        yield return (options.Content?.FilePath, "content image");
        for (var i = 0; i < options.Styles.Count; i++)
        {
            yield return (options.Styles[i].Image.FilePath, $"style image {i + 1}");
            yield return (options.Styles[i].Mask?.FilePath, $"mask of style {i + 1}");
        }

        yield return (options.Initialization.Image?.FilePath, "initial image");
    }

    /// <summary>Whether two paths name one file: the same full path, or (both existing) the same file under two names.</summary>
    private static bool SameFile(string? a, string b)
    {
        if (a is null)
        {
            return false;
        }

        var (fullA, fullB) = (Path.GetFullPath(a), Path.GetFullPath(b));
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(fullA, fullB, comparison))
        {
            return true;
        }

        var (targetA, targetB) = (Resolved(fullA), Resolved(fullB));
        return targetA is not null && string.Equals(targetA, targetB, comparison);
    }

    /// <summary>The path with symbolic links followed, or null when it does not exist.</summary>
    private static string? Resolved(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists)
        {
            return null;
        }

        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullPath;
    }
}
