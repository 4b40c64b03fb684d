using NeuralStyle.Imaging;

namespace NeuralStyle.Cli;

/// <summary>A parsed <c>neural-style batch</c> command line.</summary>
/// <param name="Template">The options every run starts from; each input sets its content and output.</param>
/// <param name="Settings">What the command line asks of the tool itself.</param>
/// <param name="InputFolder">The folder whose files are stylised.</param>
/// <param name="OutputFolder">Where the results go.</param>
/// <param name="Format">The results' format.</param>
/// <param name="Shard">The part of the inputs this process takes.</param>
internal sealed record BatchArguments(
    StyleTransferOptions Template,
    CliSettings Settings,
    string InputFolder,
    string OutputFolder,
    ImageFormat Format,
    BatchShard Shard);
