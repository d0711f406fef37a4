import Testing

/// The reconcile and duplicate-window suites run one test at a time: each test
/// starts real daemons and wallets, and tests elsewhere (the 200 MB answer)
/// bound the peak RSS of the whole test process, which parallel daemons add to.
@Suite(.serialized) enum ReconcileSuites {}
