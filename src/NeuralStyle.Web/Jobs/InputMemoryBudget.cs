namespace NeuralStyle.Web.Jobs;

/// <summary>
/// The server-wide budget for the decoded images of unfinished jobs (<see cref="Configuration.WebAppOptions.MaxInputMemoryBytes"/>):
/// an upload reserves its images' bytes from their headers before they are decoded, and its job
/// gives them back when it ends. A request that would go over the budget is refused (503) rather
/// than let memory grow with the queue.
/// </summary>
internal sealed class InputMemoryBudget
{
    private readonly object _gate = new();
    private long _inUse;

    public InputMemoryBudget(long capacityBytes) => CapacityBytes = capacityBytes;

    /// <summary>The most bytes reserved at once.</summary>
    public long CapacityBytes { get; }

    /// <summary>The bytes reserved now.</summary>
    public long InUseBytes
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, or returns null when that would go over the budget.</summary>
    public Reservation? TryReserve(long bytes)
    {
        lock (_gate)
        {
            if (bytes > CapacityBytes - _inUse)
            {
                return null;
            }

            _inUse += bytes;
            return new Reservation(this, bytes);
        }
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _inUse -= bytes;
        }
    }

    /// <summary>Bytes held until disposed (once; later calls do nothing).</summary>
    public sealed class Reservation(InputMemoryBudget budget, long bytes) : IDisposable
    {
        private int _released;

        public long Bytes => bytes;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                budget.Release(bytes);
            }
        }
    }
}
