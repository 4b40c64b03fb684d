using System.Collections.Concurrent;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Store;

namespace NeuralStyle.Web.Tests.Store;

/// <summary>
/// The job store's contract, the same tests on both stores (SQLite and a real PostgreSQL): limits,
/// queue order, claims that never hand one job to two workers, leases that run out, checkpoints handed
/// on, cancellation, release, sweeping, and changes seen by other processes. Times are given by hand.
/// </summary>
public sealed class JobStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly SubmitLimits Roomy = new(MaxJobsPerClient: 100, MaxQueuedJobs: 100);

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Jobs_wait_in_order_and_the_client_and_queue_limits_count_every_front_end(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var frontEndA = await stores.OpenAsync();
        var frontEndB = await stores.OpenAsync();
        var limits = new SubmitLimits(MaxJobsPerClient: 2, MaxQueuedJobs: 3);

        var first = (await frontEndA.SubmitAsync(Submission("a1", "alice"), limits, T0, default)).Job!;
        var second = (await frontEndB.SubmitAsync(Submission("b1", "bob"), limits, T0, default)).Job!;
        Assert.Equal((JobState.Queued, 1, 0), (first.State, first.QueuePosition, first.Attempts));
        Assert.Equal(2, second.QueuePosition);

        // Alice's second job is accepted by the other front end; her third by neither.
        Assert.NotNull((await frontEndB.SubmitAsync(Submission("a2", "alice"), limits, T0, default)).Job);
        var refused = await frontEndA.SubmitAsync(Submission("a3", "alice"), limits, T0, default);
        Assert.Equal((null, 2, (int?)null), (refused.Job, refused.UnfinishedForClient, refused.Queued));

        // Three wait: the queue is full for anyone.
        var full = await frontEndB.SubmitAsync(Submission("c1", "carol"), limits, T0, default);
        Assert.Equal((null, (int?)null, 3), (full.Job, full.UnfinishedForClient, full.Queued));
        Assert.Null(await frontEndA.FindAsync("a3", default));
        Assert.Null(await frontEndA.FindAsync("c1", default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_clients_submissions_per_minute_are_counted_over_every_front_end(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var frontEndA = await stores.OpenAsync();
        var frontEndB = await stores.OpenAsync();
        var limits = new SubmitLimits(MaxJobsPerClient: 100, MaxQueuedJobs: 100, MaxSubmitsPerMinute: 2);

        Assert.NotNull((await frontEndA.SubmitAsync(Submission("a1", "alice"), limits, T0, default)).Job);
        Assert.NotNull((await frontEndB.SubmitAsync(Submission("a2", "alice"), limits, T0 + TimeSpan.FromSeconds(20), default)).Job);
        Assert.NotNull((await frontEndB.SubmitAsync(Submission("b1", "bob"), limits, T0 + TimeSpan.FromSeconds(30), default)).Job);

        // Alice's third within the minute is refused by either front end, until her first is a minute old.
        var refused = await frontEndA.SubmitAsync(Submission("a3", "alice"), limits, T0 + TimeSpan.FromSeconds(45), default);
        Assert.Equal((null, TimeSpan.FromSeconds(15)), (refused.Job, refused.RetryAfter));
        Assert.NotNull((await frontEndB.SubmitAsync(Submission("a3", "alice"), limits, T0 + TimeSpan.FromSeconds(61), default)).Job);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_claim_takes_the_oldest_waiting_job_with_its_files_and_settings(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        await store.SubmitAsync(Submission("first", "alice", styles: 2), Roomy, T0, default);
        await store.SubmitAsync(Submission("second", "bob"), Roomy, T0 + TimeSpan.FromSeconds(1), default);

        var claim = (await store.ClaimAsync("worker-1", T0, Lease, default))!;
        Assert.Equal("first", claim.Id);
        Assert.Equal(new Dictionary<string, string> { ["size"] = "64", ["id"] = "first" }, claim.Settings);
        Assert.Equal(Bytes("first", 0), claim.Content);
        Assert.Equal([Bytes("first", 1), Bytes("first", 2)], claim.Styles);
        Assert.Null(claim.Checkpoint);

        var running = (await store.FindAsync("first", default))!;
        Assert.Equal((JobState.Running, (int?)null, 1, (int?)null), (running.State, running.QueuePosition, running.Attempts, running.ResumedAt));
        Assert.Equal(1, (await store.FindAsync("second", default))!.QueuePosition);
        Assert.Equal("second", (await store.ClaimAsync("worker-2", T0, Lease, default))!.Id);
        Assert.Null(await store.ClaimAsync("worker-3", T0, Lease, default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Workers_claiming_at_once_never_take_the_same_job(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var submitter = await stores.OpenAsync();
        const int Jobs = 40;
        for (var i = 0; i < Jobs; i++)
        {
            await submitter.SubmitAsync(Submission($"job-{i:00}", $"client-{i}"), Roomy, T0, default);
        }

        // Eight workers, each its own store (as its own process would have), claim until none is left.
        var claimed = new ConcurrentBag<(string Worker, string Job)>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            var store = await stores.OpenAsync();
            while (await store.ClaimAsync($"worker-{w}", T0, Lease, default) is { } claim)
            {
                claimed.Add(($"worker-{w}", claim.Id));
            }
        }));

        Assert.Equal(Enumerable.Range(0, Jobs).Select(i => $"job-{i:00}"), claimed.Select(c => c.Job).Order());
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task When_a_workers_lease_runs_out_another_takes_the_job_from_its_last_checkpoint_and_the_first_can_write_nothing(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        await store.SubmitAsync(Submission("job", "alice"), Roomy, T0, default);
        await store.ClaimAsync("lost", T0, Lease, default);
        var progress = new JobProgress(23, 100, 1, 1, 64, 48, 4.5, 15);
        var report = new JobReport(progress, [new LossPoint(22, 9.5), new LossPoint(23, 9.25)], ([1, 2, 3], 20), ([7, 7, 7], 20));
        Assert.Equal(LeaseStatus.Held, await store.ReportAsync("job", "lost", report, T0 + TimeSpan.FromSeconds(5), Lease, default));

        // The lease now lasts until T0 + 35 s: no one takes the job before then.
        Assert.Null(await store.ClaimAsync("other", T0 + TimeSpan.FromSeconds(34), Lease, default));
        var claim = (await store.ClaimAsync("other", T0 + TimeSpan.FromSeconds(36), Lease, default))!;
        Assert.Equal(("job", 20), (claim.Id, claim.CheckpointIteration));
        Assert.Equal(new byte[] { 7, 7, 7 }, claim.Checkpoint!);
        var taken = (await store.FindAsync("job", default))!;
        Assert.Equal((JobState.Running, 2, (int?)20, (int?)20), (taken.State, taken.Attempts, taken.ResumedAt, taken.CheckpointIteration));
        Assert.Equal(progress, taken.Progress);

        // The first worker comes back: it has lost the job, and its outcome is not written.
        Assert.Equal(LeaseStatus.Lost, await store.ReportAsync("job", "lost", JobReport.Empty, T0 + TimeSpan.FromSeconds(37), Lease, default));
        Assert.False(await store.FinishAsync("job", "lost", new JobOutcome(JobState.Succeeded, null, [9], ([9], 100), null), T0 + TimeSpan.FromSeconds(38), default));
        Assert.Null(await store.ResultAsync("job", default));

        Assert.True(await store.FinishAsync("job", "other", new JobOutcome(JobState.Succeeded, null, [4, 2], ([4], 100), progress with { Iteration = 100 }), T0 + TimeSpan.FromSeconds(60), default));
        var done = (await store.FindAsync("job", default))!;
        Assert.Equal((JobState.Succeeded, true, (int?)100, 100), (done.State, done.HasResult, done.PreviewIteration, done.Progress!.Iteration));
        Assert.Equal(new byte[] { 4, 2 }, (await store.ResultAsync("job", default))!);
        Assert.Equal(new byte[] { 4 }, (await store.PreviewAsync("job", default))!);
        Assert.Equal([new LossPoint(23, 9.25)], await store.LossesAsync("job", 22, default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Cancelling_ends_a_waiting_job_at_once_and_a_running_one_through_its_worker(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        await store.SubmitAsync(Submission("running", "alice"), Roomy, T0, default);
        await store.SubmitAsync(Submission("waiting", "alice"), Roomy, T0, default);
        await store.ClaimAsync("worker", T0, Lease, default);

        var waiting = (await store.CancelAsync("waiting", "Cancelled by the user.", T0, default))!;
        Assert.Equal((JobState.Canceled, "Cancelled by the user.", (DateTimeOffset?)T0), (waiting.State, waiting.Error, waiting.FinishedAt));

        var running = (await store.CancelAsync("running", "Cancelled by the user.", T0, default))!;
        Assert.Equal(JobState.Running, running.State);
        Assert.Equal(LeaseStatus.CancelRequested, await store.ReportAsync("running", "worker", JobReport.Empty, T0, Lease, default));
        Assert.True(await store.FinishAsync("running", "worker", new JobOutcome(JobState.Canceled, "Cancelled.", null, null, null), T0, default));
        var ended = (await store.FindAsync("running", default))!;
        Assert.Equal((JobState.Canceled, "Cancelled by the user.", false), (ended.State, ended.Error, ended.HasResult)); // the reason given first stays

        // Deleting works on ended jobs only.
        Assert.True(await store.DeleteAsync("waiting", default));
        Assert.Null(await store.FindAsync("waiting", default));
        Assert.False(await store.DeleteAsync("nobody", default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_released_job_waits_again_first_in_line_with_its_checkpoint(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        await store.SubmitAsync(Submission("older", "alice"), Roomy, T0, default);
        await store.SubmitAsync(Submission("newer", "bob"), Roomy, T0, default);
        await store.ClaimAsync("stopping", T0, Lease, default);
        await store.ReportAsync("older", "stopping", new JobReport(null, [], null, ([5], 40)), T0, Lease, default);

        await store.ReleaseAsync("older", "stopping", T0, default);

        var released = (await store.FindAsync("older", default))!;
        Assert.Equal((JobState.Queued, (int?)1, (int?)40), (released.State, released.QueuePosition, released.CheckpointIteration));
        Assert.Equal(2, (await store.FindAsync("newer", default))!.QueuePosition);
        var again = (await store.ClaimAsync("restarted", T0, Lease, default))!;
        Assert.Equal(("older", 40, (byte)5), (again.Id, again.CheckpointIteration, again.Checkpoint![0]));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_sweep_abandons_unwatched_jobs_ends_those_of_lost_workers_and_deletes_expired_ones(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        foreach (var id in new[] { "watched", "waiting", "finished" })
        {
            await store.SubmitAsync(Submission(id, id), Roomy, T0, default);
        }

        await store.CancelAsync("finished", "Cancelled by the user.", T0, default); // ended at T0
        Assert.Equal("watched", (await store.ClaimAsync("worker", T0, TimeSpan.FromHours(1), default))!.Id);
        await store.TouchAsync("watched", T0 + TimeSpan.FromSeconds(50), default);

        // At T0 + 61 s, with a minute's patience: only the job no one has looked at since T0 is abandoned.
        var (abandoned, deleted) = await store.SweepAsync(T0 + TimeSpan.FromSeconds(61), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), default);
        Assert.Equal((1, 0), (abandoned, deleted));
        var waiting = (await store.FindAsync("waiting", default))!;
        Assert.Equal((JobState.Canceled, "Cancelled: no one watched the job for 60 s (the page was closed)."), (waiting.State, waiting.Error));
        Assert.Equal(JobState.Running, (await store.FindAsync("watched", default))!.State);
        Assert.NotNull(await store.FindAsync("finished", default));

        // An hour and a second after T0, the job that ended at T0 has outlived its hour; the one abandoned at T0 + 61 s has not.
        (_, deleted) = await store.SweepAsync(T0 + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), TimeSpan.FromHours(1), default);
        Assert.Equal(1, deleted);
        Assert.Null(await store.FindAsync("finished", default));
        Assert.NotNull(await store.FindAsync("waiting", default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_running_job_no_one_watches_is_stopped_by_its_worker_or_ended_when_its_worker_is_gone(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync();
        await store.SubmitAsync(Submission("alive", "alice"), Roomy, T0, default);
        await store.SubmitAsync(Submission("orphan", "bob"), Roomy, T0, default);
        await store.ClaimAsync("alive-worker", T0, Lease, default);
        await store.ClaimAsync("dead-worker", T0, Lease, default);
        await store.ReportAsync("orphan", "dead-worker", JobReport.Empty with { Preview = ([1, 2, 3], 5) }, T0, Lease, default);
        Assert.NotNull(await store.PreviewAsync("orphan", default));

        var (abandoned, _) = await store.SweepAsync(T0 + TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), default);
        Assert.Equal(2, abandoned);
        Assert.Equal(LeaseStatus.CancelRequested, await store.ReportAsync("alive", "alive-worker", JobReport.Empty, T0 + TimeSpan.FromSeconds(21), Lease, default));
        Assert.Equal(JobState.Running, (await store.FindAsync("orphan", default))!.State); // its worker might still answer

        // Once the dead worker's lease has run out, the sweep ends its job; no one claims it.
        await store.SweepAsync(T0 + TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), default);
        Assert.Equal(JobState.Canceled, (await store.FindAsync("orphan", default))!.State);
        Assert.Null(await store.PreviewAsync("orphan", default)); // an ended job keeps no files but its result
        Assert.Null(await store.ClaimAsync("another", T0 + TimeSpan.FromMinutes(5), Lease, default));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_waiter_wakes_at_a_change_made_through_its_own_store(string kind)
    {
        await using var stores = await TestStores.CreateAsync(kind);
        var store = await stores.OpenAsync(pollInterval: TimeSpan.FromMinutes(10)); // a wake-up can only come from the change
        await store.SubmitAsync(Submission("job", "alice"), Roomy, T0, default);

        var changed = store.WaitForChangeAsync("job", default);
        var work = store.WaitForWorkAsync(TimeSpan.FromMinutes(10), default);
        Assert.False(changed.IsCompleted);
        await store.ClaimAsync("worker", T0, Lease, default);
        await changed.WaitAsync(TimeSpan.FromMinutes(1));

        await store.ReleaseAsync("job", "worker", T0, default);
        await work.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [SkippableFact]
    public async Task On_PostgreSQL_a_waiter_wakes_at_a_change_another_process_made()
    {
        await using var stores = await TestStores.CreateAsync("postgresql");
        var frontEnd = await stores.OpenAsync(pollInterval: TimeSpan.FromMinutes(10)); // a wake-up can only come from NOTIFY
        var worker = await stores.OpenAsync(pollInterval: TimeSpan.FromMinutes(10));
        await Task.Delay(500); // both have begun to LISTEN (a wake-up on (re)connecting is part of the design, so let it pass)

        var work = worker.WaitForWorkAsync(TimeSpan.FromMinutes(10), default);
        await frontEnd.SubmitAsync(Submission("job", "alice"), Roomy, T0, default);
        await work.WaitAsync(TimeSpan.FromMinutes(1));

        var changed = frontEnd.WaitForChangeAsync("job", default);
        await worker.ClaimAsync("worker", T0, Lease, default);
        await changed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(JobState.Running, (await frontEnd.FindAsync("job", default))!.State);
    }

    private static JobSubmission Submission(string id, string client, int styles = 1) => new(
        id,
        client,
        new Dictionary<string, string> { ["size"] = "64", ["id"] = id },
        Bytes(id, 0),
        Enumerable.Range(1, styles).Select(i => Bytes(id, i)).ToArray());

    /// <summary>Distinct stand-in bytes for file <paramref name="index"/> of a job (the store never looks inside).</summary>
    private static byte[] Bytes(string id, int index) => [.. System.Text.Encoding.UTF8.GetBytes(id), (byte)index];
}
