using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace NeuralStyle;

/// <summary>
/// An engine's networks: the weights file found once, and one network per number format and pooling,
/// loaded on first use and kept. A failed load is not kept, so a later run tries again. Thread-safe.
/// </summary>
internal sealed class NetworkCache : IDisposable
{
    private readonly StyleTransferEngineOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<(ComputePrecision Precision, Pooling Pooling), Task<Vgg19FeatureExtractor>> _networks = new();
    private Task<string>? _weightsPath;

    public NetworkCache(StyleTransferEngineOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>The network for <paramref name="precision"/> and <paramref name="pooling"/>; <paramref name="cancellationToken"/> ends the wait, not a load other runs share.</summary>
    /// <exception cref="WeightsException">The weights cannot be found, downloaded or read.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or the device is not available.</exception>
    public Task<Vgg19FeatureExtractor> GetAsync(ComputePrecision precision, Pooling pooling, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_networks.TryGetValue((precision, pooling), out var network) || network.IsFaulted || network.IsCanceled)
            {
                network = LoadAsync(precision, pooling);
                _networks[(precision, pooling)] = network;
            }

            return network.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Releases every network loaded; call when no run uses them any more.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var network in _networks.Values.Where(n => n.IsCompletedSuccessfully))
            {
                network.Result.Dispose();
            }

            _networks.Clear();
        }
    }

    private async Task<Vgg19FeatureExtractor> LoadAsync(ComputePrecision precision, Pooling pooling)
    {
        var weightsPath = await WeightsPathAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var network = await Task.Run(() => Vgg19FeatureExtractor.FromFile(weightsPath, _options.Device, null, pooling, precision)).ConfigureAwait(false);
        EngineLog.NetworkLoaded(_logger, precision, pooling, _options.Device, weightsPath, clock.ElapsedMilliseconds);
        if (precision == ComputePrecision.BFloat16 && ComputeSupport.BFloat16(_options.Device) == BFloat16Support.Emulated)
        {
            EngineLog.BFloat16Emulated(_logger);
        }

        return network;
    }

    private Task<string> WeightsPathAsync()
    {
        lock (_gate)
        {
            if (_weightsPath is null || _weightsPath.IsFaulted || _weightsPath.IsCanceled)
            {
                _weightsPath = WeightsLocator.ResolveAsync(_options.WeightsPath, _options.WeightsDownloadProgress, CancellationToken.None);
            }

            return _weightsPath;
        }
    }
}
