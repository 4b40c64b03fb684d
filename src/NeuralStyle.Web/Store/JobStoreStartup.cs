namespace NeuralStyle.Web.Store;

/// <summary>Creates the store's tables (when missing) and starts its notifications before the app serves or works.</summary>
internal sealed class JobStoreStartup(IJobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
