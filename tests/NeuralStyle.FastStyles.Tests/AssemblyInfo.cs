// Tests that touch torch share process-wide state (threads, the dispose-scope statistics): run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
