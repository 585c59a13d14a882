// Workloads are judged partly by host-wide facts (no process of a run left); one at a time keeps them attributable,
// and the corpus is sized for two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
