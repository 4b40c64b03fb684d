namespace NeuralStyle.Web.Jobs;

/// <summary>
/// The jobs this front end has an event stream open on. Its sweeper notes them as watched in the store
/// before each sweep (<see cref="JobSweeper"/>), so that a job someone is watching is never abandoned,
/// whichever process sweeps.
/// </summary>
internal sealed class JobWatchers
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _streams = new(StringComparer.Ordinal);

    /// <summary>Notes an open stream on <paramref name="id"/> until the returned object is disposed.</summary>
    public IDisposable Watch(string id)
    {
        lock (_gate)
        {
            _streams[id] = _streams.GetValueOrDefault(id) + 1;
        }

        return new Stream(this, id);
    }

    /// <summary>The jobs with an open stream now.</summary>
    public IReadOnlyList<string> Watched()
    {
        lock (_gate)
        {
            return [.. _streams.Keys];
        }
    }

    private void Close(string id)
    {
        lock (_gate)
        {
            if (--_streams[id] == 0)
            {
                _streams.Remove(id);
            }
        }
    }

    private sealed class Stream(JobWatchers watchers, string id) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                watchers.Close(id);
            }
        }
    }
}
