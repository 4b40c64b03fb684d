using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;

namespace NeuralStyle.Web.Api;

/// <summary>What <c>/health</c> answers: the process's role, and its worker's name and how many jobs it runs.</summary>
/// <param name="Role">both, frontEnd or worker.</param>
/// <param name="Worker">The worker's name in the store; null on a front end.</param>
/// <param name="RunningJobs">How many jobs the worker runs now.</param>
internal sealed record HealthView(WebRole Role, string? Worker, int RunningJobs)
{
    public static HealthView Of(WebRole role, JobWorker? worker) => new(role, worker?.Name, worker?.RunningCount ?? 0);
}
