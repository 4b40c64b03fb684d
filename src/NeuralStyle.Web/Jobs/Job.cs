using NeuralStyle.Imaging;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// One style transfer job of the web app: its options, where it stands, its latest preview and its
/// result file. Thread-safe: the run updates it while requests read it; every change wakes the
/// event streams that wait on it (<see cref="WaitForChangeAsync"/>). When it ends it lets go of its
/// options (the decoded images) and their memory reservation; a cancelled or failed job keeps only
/// its small metadata, a succeeded one its result file and final preview.
/// </summary>
internal sealed class Job : IDisposable
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<LossPoint> _losses = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StyleTransferProgress? _progress;
    private byte[]? _preview;
    private int _previewIteration;
    private int _watchers;
    private StyleTransferOptions? _options;
    private IDisposable? _inputMemory;

    /// <param name="id">The job's id.</param>
    /// <param name="clientId">Who submitted it.</param>
    /// <param name="options">What to run, its images decoded.</param>
    /// <param name="inputMemory">The reservation of those images' memory, released when the job ends (owned).</param>
    /// <param name="createdAt">When it was submitted.</param>
    public Job(string id, string clientId, StyleTransferOptions options, IDisposable? inputMemory, DateTimeOffset createdAt)
    {
        Id = id;
        ClientId = clientId;
        _options = options;
        _inputMemory = inputMemory;
        CreatedAt = createdAt;
        LastWatched = createdAt;
    }

    /// <summary>The job's id: 32 random hex digits, unguessable, safe in a file name.</summary>
    public string Id { get; }

    /// <summary>Who submitted it (the client's address), for the per-client limit.</summary>
    public string ClientId { get; }

    /// <summary>What to run; null once the job has ended.</summary>
    public StyleTransferOptions? Options
    {
        get
        {
            lock (_gate)
            {
                return _options;
            }
        }
    }

    public DateTimeOffset CreatedAt { get; }

    public JobState State { get; private set; } = JobState.Queued;

    /// <summary>Why the job failed or was cancelled, in one line; null otherwise.</summary>
    public string? Error { get; private set; }

    /// <summary>The result file (under the app's data folder) once the job succeeded.</summary>
    public string? ResultPath { get; private set; }

    /// <summary>When the job ended; null while it is queued or running.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>When someone last asked about the job, or now while an event stream is open on it.</summary>
    public DateTimeOffset LastWatched { get; private set; }

    /// <summary>Cancelled when the job is cancelled; the run stops within an iteration.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Canceled;

    /// <summary>The latest preview (JPEG) and the iteration it shows; null before the first.</summary>
    public (byte[] Jpeg, int Iteration)? Preview
    {
        get
        {
            lock (_gate)
            {
                return _preview is null ? null : (_preview, _previewIteration);
            }
        }
    }

    /// <summary>A consistent copy of where the job stands.</summary>
    public JobStatus Status()
    {
        lock (_gate)
        {
            return new JobStatus(State, _progress, Error, _preview is null ? null : _previewIteration, ResultPath is not null, [.. _losses]);
        }
    }

    /// <summary>Notes that someone asked about the job now.</summary>
    public void Touch(DateTimeOffset now)
    {
        lock (_gate)
        {
            LastWatched = now;
        }
    }

    /// <summary>Notes an open event stream until the returned object is disposed: a watched job is never abandoned.</summary>
    public IDisposable Watch(TimeProvider time)
    {
        lock (_gate)
        {
            _watchers++;
            LastWatched = time.GetUtcNow();
        }

        return new Watcher(this, time);
    }

    /// <summary>Whether no one has watched the job since <paramref name="cutoff"/> and no stream is open on it.</summary>
    public bool IsUnwatchedSince(DateTimeOffset cutoff)
    {
        lock (_gate)
        {
            return _watchers == 0 && LastWatched < cutoff;
        }
    }

    /// <summary>A task that completes at the job's next change.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    public void MarkRunning() => Update(() => State = JobState.Running);

    public void Report(StyleTransferProgress progress) => Update(() =>
    {
        _progress = progress;
        if (_losses.Count == 0 || progress.Iteration > _losses[^1].Iteration)
        {
            _losses.Add(new LossPoint(progress.Iteration, progress.Losses.Total));
        }
    });

    public void SetPreview(RgbImage preview, int iteration)
    {
        var jpeg = preview.Encode(ImageFormat.Jpeg, 85);
        Update(() =>
        {
            _preview = jpeg;
            _previewIteration = iteration;
        });
    }

    public void Succeed(string resultPath, DateTimeOffset now) => Finish(JobState.Succeeded, null, now, () => ResultPath = resultPath);

    public void Fail(string message, DateTimeOffset now) => Finish(JobState.Failed, message, now);

    /// <summary>Cancels the job: a queued job ends now, a running one within an iteration (then <see cref="MarkCanceled"/>).</summary>
    /// <returns>False when the job had already ended.</returns>
    public bool Cancel(string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (IsFinished)
            {
                return false;
            }

            Error = reason;
        }

        _cancellation.Cancel();
        if (State == JobState.Queued)
        {
            Finish(JobState.Canceled, reason, now);
        }

        return true;
    }

    /// <summary>Records that the run stopped after <see cref="Cancel"/>.</summary>
    public void MarkCanceled(DateTimeOffset now) => Finish(JobState.Canceled, Error ?? "Cancelled.", now);

    public void Dispose()
    {
        _cancellation.Dispose();
        _inputMemory?.Dispose();
    }

    private void Finish(JobState state, string? error, DateTimeOffset now, Action? also = null) => Update(() =>
    {
        if (IsFinished)
        {
            return;
        }

        State = state;
        Error = error;
        FinishedAt = now;
        _options = null;
        _inputMemory?.Dispose();
        _inputMemory = null;
        if (state != JobState.Succeeded)
        {
            _preview = null;
        }

        also?.Invoke();
    });

    private void Update(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private sealed class Watcher(Job job, TimeProvider time) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (job._gate)
                {
                    job._watchers--;
                    job.LastWatched = time.GetUtcNow();
                }
            }
        }
    }
}
