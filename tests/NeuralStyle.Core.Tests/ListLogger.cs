using Microsoft.Extensions.Logging;

namespace NeuralStyle.Core.Tests;

/// <summary>An <see cref="ILogger{T}"/> that records every message at or above a level.</summary>
internal sealed class ListLogger<T>(LogLevel minimum = LogLevel.Trace) : ILogger<T>
{
    private readonly List<(LogLevel Level, EventId Event, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (_entries)
            {
                _entries.Add((logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}
