using System.Diagnostics;

namespace NeuralStyle.FastStyles.Tests;

/// <summary>The ONNX project's own checker, from Debian's python3-onnx: <c>onnx.checker.check_model(model, full_check=True)</c>.</summary>
internal static class OnnxChecker
{
    private const string Script = """
        import sys, onnx
        model = onnx.load(sys.argv[1])
        onnx.checker.check_model(model, full_check=True)
        def shape(v):
            return "[" + ", ".join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim) + "]"
        i, o = model.graph.input[0], model.graph.output[0]
        print("ok opset %d, input %s %s, output %s %s" % (model.opset_import[0].version, i.name, shape(i), o.name, shape(o)))
        """;

    /// <summary>Debian's own Python, where python3-onnx installs (a python3 earlier on the PATH may be another).</summary>
    private const string Python = "/usr/bin/python3";

    public static bool IsInstalled => Run("-c", "import onnx").ExitCode == 0;

    /// <summary>The checker's exit code and what it printed.</summary>
    public static (int ExitCode, string Output) Check(string path) => Run("-c", Script, path);

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
