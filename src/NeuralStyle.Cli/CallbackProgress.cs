namespace NeuralStyle.Cli;

/// <summary>Calls the handler on the reporting thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class CallbackProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
