// Every test here runs jobs on libtorch, and the browser tests drive one Chromium: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
