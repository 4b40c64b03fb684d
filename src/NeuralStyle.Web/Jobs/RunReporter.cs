using NeuralStyle.Imaging;
using NeuralStyle.Web.Store;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// Gathers what a run reports on the engine's thread (progress after every iteration, a preview every
/// few) and notices each checkpoint the engine writes, until the job's report loop takes it all as one
/// <see cref="JobReport"/>. The engine writes a checkpoint right after reporting iteration n, before it
/// computes n + 1; so a checkpoint file that has changed by the report of n + 1 holds iteration n.
/// The file's time and length are looked at on every report (one system call, against iterations of a
/// tenth of a second and more): checking only when a checkpoint is due would misdate those the engine
/// writes at other times, such as at the end of a scale.
/// </summary>
internal sealed class RunReporter(string checkpointPath, long maxCheckpointBytes, Action<long> checkpointTooLarge) : IProgress<StyleTransferProgress>
{
    private readonly object _gate = new();
    private readonly List<LossPoint> _losses = [];
    private (DateTime Written, long Length) _checkpointSeen = Stamp(checkpointPath);
    private StyleTransferProgress? _progress;
    private bool _progressTaken = true;
    private (byte[] Jpeg, int Iteration)? _preview;
    private (byte[] Bytes, int Iteration)? _checkpoint;
    private bool _toldTooLarge;

    /// <summary>The latest progress report, or null before the first.</summary>
    public StyleTransferProgress? Latest
    {
        get
        {
            lock (_gate)
            {
                return _progress;
            }
        }
    }

    public void Report(StyleTransferProgress value)
    {
        var checkpoint = ChangedCheckpoint(value.Iteration - 1);
        lock (_gate)
        {
            _progress = value;
            _progressTaken = false;
            if (_losses.Count == 0 || value.Iteration > _losses[^1].Iteration)
            {
                _losses.Add(new LossPoint(value.Iteration, value.Losses.Total));
            }

            if (checkpoint is not null)
            {
                _checkpoint = checkpoint;
            }
        }
    }

    /// <summary>Takes a preview (the engine's intermediate image callback), encoded as the page shows it.</summary>
    public void Preview(int iteration, RgbImage image)
    {
        var jpeg = image.Encode(ImageFormat.Jpeg, 85);
        lock (_gate)
        {
            _preview = (jpeg, iteration);
        }
    }

    /// <summary>Everything gathered since the last call.</summary>
    public JobReport Take()
    {
        lock (_gate)
        {
            var report = new JobReport(_progressTaken || _progress is null ? null : JobProgress.Of(_progress), [.. _losses], _preview, _checkpoint);
            _progressTaken = true;
            _losses.Clear();
            _preview = null;
            _checkpoint = null;
            return report;
        }
    }

    /// <summary>The checkpoint file's bytes when the engine has written it since it was last seen; null otherwise.</summary>
    private (byte[] Bytes, int Iteration)? ChangedCheckpoint(int iteration)
    {
        var stamp = Stamp(checkpointPath);
        if (stamp == _checkpointSeen || stamp.Length == 0)
        {
            return null;
        }

        _checkpointSeen = stamp;
        if (stamp.Length > maxCheckpointBytes)
        {
            if (!_toldTooLarge)
            {
                _toldTooLarge = true;
                checkpointTooLarge(stamp.Length);
            }

            return null;
        }

        try
        {
            return (File.ReadAllBytes(checkpointPath), iteration);
        }
        catch (IOException)
        {
            return null; // the next one is stored
        }
    }

    private static (DateTime Written, long Length) Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (default, 0);
    }
}
