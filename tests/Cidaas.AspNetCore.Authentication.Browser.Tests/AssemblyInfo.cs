// One Chromium per test class on a 2-core machine: the classes run one after another, which keeps timings steady.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
