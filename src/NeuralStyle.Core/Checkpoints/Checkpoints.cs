namespace NeuralStyle;

/// <summary>Opening the checkpoint a run resumes from.</summary>
internal static class Checkpoints
{
    /// <summary>Reads the checkpoint at <paramref name="path"/> and checks that it was made by this version for a run with <paramref name="fingerprint"/>.</summary>
    /// <exception cref="CheckpointException">It cannot be read, or it belongs to another version or run.</exception>
    public static RunCheckpoint Open(string path, string fingerprint)
    {
        var checkpoint = RunCheckpoint.Read(path);
        if (checkpoint.Library != RunFingerprint.Library)
        {
            checkpoint.Dispose();
            throw new CheckpointException(
                $"The checkpoint '{path}' was made by NeuralStyle {checkpoint.Library}, and this is {RunFingerprint.Library}; resume it with that version, or start afresh.");
        }

        if (checkpoint.Fingerprint != fingerprint)
        {
            checkpoint.Dispose();
            throw new CheckpointException(
                $"The checkpoint '{path}' was made for a run with other options or images; resume with exactly the options and images it was made with, or start afresh.");
        }

        return checkpoint;
    }
}
