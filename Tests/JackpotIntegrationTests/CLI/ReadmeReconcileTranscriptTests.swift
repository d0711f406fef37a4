import Foundation
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ReadmeReconcileTranscriptTests {
    /// The past-duplicate-window transcripts of `### status`, which run in this suite's outbox.
    static let statusTranscripts: Set<Int> = [4, 5]
}
