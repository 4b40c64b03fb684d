namespace NeuralStyle.Web.Jobs;

/// <summary>Where a job is in its life: queued, running, then one of the three ends.</summary>
internal enum JobState
{
    /// <summary>Waiting for a turn on the engine.</summary>
    Queued,

    /// <summary>Computing.</summary>
    Running,

    /// <summary>Finished; the result can be downloaded until it expires.</summary>
    Succeeded,

    /// <summary>Ended by an error; the job says why.</summary>
    Failed,

    /// <summary>Cancelled by its client, or because no one watched it.</summary>
    Canceled,
}
