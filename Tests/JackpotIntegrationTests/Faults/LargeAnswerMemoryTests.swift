import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// A 200 MB answer to the real `jackpotd run` in a child process: the body is cut
/// off at the limit and the daemon's memory stays bounded. Measured on the child
/// alone, so tests running beside it in this process cannot move the figure.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LargeAnswerMemoryTests {
    @Test func twoHundredMegabyteAnswerIsCutOffAndMemoryStaysBounded() async throws {
        let rig = try ChildDaemonRig()
        defer { rig.wallet.stop() }
        try rig.startDaemon()
        let daemon = try #require(rig.daemon)
        // One ordinary delivery first, so the baseline includes a warmed-up HTTP client.
        let warm = ChildDaemonRig.references("warm", 1)
        #expect(await rig.enqueue(warm).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(warm) }, "\(daemon.log)")
        let before = try #require(Self.peakResidentMegabytes(daemon.pid))

        rig.wallet.enqueueFaults([.hugeBody(bytes: 200_000_000)])
        let big = ChildDaemonRig.references("big", 1)
        #expect(await rig.enqueue(big).code == .success)
        #expect(try await eventually(within: 60) { try rig.probe.allDelivered(big) }, "\(daemon.log)")
        let after = try #require(Self.peakResidentMegabytes(daemon.pid))

        let attempts = try rig.probe.attempts("big-1")
        let first = try #require(attempts.first)
        #expect(first.detail == "response body larger than \(HTTPResponseData.bodyLimit) bytes")
        #expect(first.httpStatus == 200)
        #expect((first.responseHead?.utf8.count ?? .max) <= AttemptRecord.responseHeadLimit)
        // The daemon's peak: far below the 200 MB the operator sent.
        #expect(after - before < 50, "peak RSS grew from \(before) MB to \(after) MB")

        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: warm + big) == [])
    }

    /// Peak resident set size of a running process (`VmHWM` in /proc), in MB.
    static func peakResidentMegabytes(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes / 1024
        }
        return nil
    }
}
