import Testing

/// The reconcile and duplicate-window suites run one test at a time: each test
/// starts real daemons and wallets over files of its own.
@Suite(.serialized, .oneTestPerCore) enum ReconcileSuites {}
