namespace NeuralStyle;

/// <summary>
/// The runs an engine has started and not finished: closing it refuses new ones and gives a task
/// that completes once every run started before has completed. Thread-safe.
/// </summary>
internal sealed class RunTracker
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private bool _closed;

    /// <summary>Whether <see cref="CloseAsync"/> has been called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Starts <paramref name="run"/> and keeps count of it until its task completes.</summary>
    /// <exception cref="ObjectDisposedException">The tracker is closed: its engine was disposed.</exception>
    public Task<T> Start<T>(Func<Task<T>> run)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(StyleTransferEngine));
            _running++;
        }

        Task<T> task;
        try
        {
            task = run();
        }
        catch
        {
            Finished();
            throw;
        }

        _ = task.ContinueWith(_ => Finished(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Refuses new runs; the task completes when the last run started before has completed.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _closed = true;
            if (_running == 0)
            {
                _idle.TrySetResult();
            }
        }

        return _idle.Task;
    }

    private void Finished()
    {
        lock (_gate)
        {
            if (--_running == 0 && _closed)
            {
                _idle.TrySetResult();
            }
        }
    }
}
