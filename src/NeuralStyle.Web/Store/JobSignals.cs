namespace NeuralStyle.Web.Store;

/// <summary>
/// In-process wake-ups by key (a job's id, or <see cref="Work"/>): <see cref="Next"/> gives a task that
/// completes at the key's next <see cref="Pulse"/>. The stores pulse after their own writes, and the
/// PostgreSQL store also for every notification from other processes.
/// </summary>
internal sealed class JobSignals
{
    /// <summary>The key pulsed when a job may be waiting for a worker.</summary>
    public const string Work = "*work*";

    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next pulse of <paramref name="key"/>.</summary>
    public Task Next(string key)
    {
        lock (_gate)
        {
            if (!_waiting.TryGetValue(key, out var next))
            {
                next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(key, next);
            }

            return next.Task;
        }
    }

    /// <summary>Wakes everyone waiting on <paramref name="key"/>.</summary>
    public void Pulse(string key)
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            _waiting.Remove(key, out next);
        }

        next?.TrySetResult();
    }

    /// <summary>Wakes everyone (a lost notification channel may have missed changes).</summary>
    public void PulseAll()
    {
        TaskCompletionSource[] all;
        lock (_gate)
        {
            all = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (var next in all)
        {
            next.TrySetResult();
        }
    }

    /// <summary>Completes at the key's next pulse or after <paramref name="atMost"/> of real time, whichever comes first.</summary>
    public async Task WaitAsync(string key, TimeSpan atMost, CancellationToken cancellationToken)
    {
        var next = Next(key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(next, Task.Delay(atMost, TimeProvider.System, timeout.Token)).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
