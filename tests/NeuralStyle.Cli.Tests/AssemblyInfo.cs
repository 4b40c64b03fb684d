// Runs share libtorch's process-wide state: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
