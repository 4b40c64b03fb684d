namespace NeuralStyle.Web.Configuration;

/// <summary>What one process of the web app does (<see cref="WebAppOptions.Role"/>).</summary>
internal enum WebRole
{
    /// <summary>Serves the page and the API, and runs jobs: one machine, as out of the box.</summary>
    Both,

    /// <summary>Serves the page, the API and the event streams, and holds no job state: workers run the jobs.</summary>
    FrontEnd,

    /// <summary>Takes jobs from the store and runs them on its engine; serves nothing but its health.</summary>
    Worker,
}
