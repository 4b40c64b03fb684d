using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// What a result was measured on, written into every results file: the CPU's model and the vector
/// extensions that decide libtorch's speed (AVX2, AVX-512, AVX-512 BF16, AMX), the core count and
/// libtorch's thread count. The host behind this project's machine has changed between sessions
/// (with and without AVX-512 BF16 and AMX), so a result without them cannot be compared.
/// </summary>
internal static class Machine
{
    private static readonly string[] Extensions = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"];

    /// <summary>The description as a JSON-serialisable object.</summary>
    public static object Describe()
    {
        var (model, flags) = ReadCpuInfo();
        return new
        {
            cpu = model,
            extensions = Extensions.Where(flags.Contains).ToArray(),
            cores = Environment.ProcessorCount,
            torch_threads = get_num_threads(),
            os = RuntimeInformation.OSDescription,
        };
    }

    /// <summary>One line for the console, e.g. "AMD EPYC (avx2 fma), 2 cores".</summary>
    public static string Summary()
    {
        var (model, flags) = ReadCpuInfo();
        return $"{model} ({string.Join(' ', Extensions.Where(flags.Contains))}), {Environment.ProcessorCount} cores";
    }

    /// <summary>The first processor's model name and flags from /proc/cpuinfo; elsewhere the architecture and no flags.</summary>
    private static (string Model, HashSet<string> Flags) ReadCpuInfo()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return (RuntimeInformation.ProcessArchitecture.ToString(), []);
        }

        var lines = File.ReadLines(path).TakeWhile(line => line.Length > 0).ToList(); // the first processor's block
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(':'))?.Split(':', 2)[1].Trim() ?? "";
        return (Field("model name"), [.. Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
    }
}
