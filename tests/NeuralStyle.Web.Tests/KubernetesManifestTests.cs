using System.Diagnostics;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The Kubernetes manifests of docs/scaling.md (deploy/kubernetes), checked offline against the API's
/// types by deploy/kubernetes/validate.py on Debian's python3-kubernetes (no cluster runs here, and
/// kubectl's dry run needs one); .ci/run installs it, and without it the tests are skipped, saying so.
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "deploy", "kubernetes");
    private readonly string _temporary = Directory.CreateTempSubdirectory("neuralstyle-k8s-").FullName;

    [SkippableFact]
    public async Task Every_manifest_is_valid_for_the_kubernetes_api()
    {
        var manifests = Directory.GetFiles(Folder, "*.yaml").Order().ToArray();
        Assert.Equal(["stylise-photos-job.yaml", "web.yaml"], manifests.Select(Path.GetFileName));

        var (exitCode, output) = await ValidateAsync(manifests);

        Assert.Equal((0, string.Empty), (exitCode, output));
    }

    [SkippableFact]
    public async Task The_check_finds_a_misspelt_field_a_wrong_type_and_a_missing_required_field()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Folder, "web.yaml"));
        var misspelt = Path.Combine(_temporary, "misspelt.yaml");
        await File.WriteAllTextAsync(misspelt, text
            .Replace("readinessProbe:", "readynessProbe:", StringComparison.Ordinal)
            .Replace("secretKeyRef: { name: neuralstyle-postgres, key: connection }", "secretKeyRef: { name: neuralstyle-postgres }", StringComparison.Ordinal));
        var mistyped = Path.Combine(_temporary, "mistyped.yaml");
        await File.WriteAllTextAsync(mistyped, text.Replace("replicas: 2", "replicas: two", StringComparison.Ordinal));

        var (exitCode, output) = await ValidateAsync([misspelt, mistyped]);

        Assert.Equal(1, exitCode);
        Assert.Contains("Deployment.spec.template.spec.containers[0].readynessProbe: V1Container has no field 'readynessProbe'", output);
        Assert.Contains("Deployment.spec.replicas: a int is needed, not 'two'", output);
        Assert.Contains("Invalid value for `key`, must not be `None`", output);
    }

    [Fact]
    public void The_manifests_are_the_ones_docs_scaling_shows()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "scaling.md"));
        foreach (var manifest in Directory.GetFiles(Folder, "*.yaml"))
        {
            Assert.Contains("```yaml\n" + File.ReadAllText(manifest) + "```", docs, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private static async Task<(int ExitCode, string Output)> ValidateAsync(string[] manifests)
    {
        RequireValidator();
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Folder, "validate.py"));
        foreach (var manifest in manifests)
        {
            start.ArgumentList.Add(manifest);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private static void RequireValidator()
    {
        using var probe = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import kubernetes, yaml"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        Skip.If(probe.ExitCode != 0, "Debian's python3-kubernetes is not installed (.ci/run installs it).");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NeuralStyle.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NeuralStyle.sln) is not above the test's folder.");
    }
}
