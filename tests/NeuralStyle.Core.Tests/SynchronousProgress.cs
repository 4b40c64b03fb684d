namespace NeuralStyle.Core.Tests;

/// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool, after the fact).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
