import Foundation
import Testing

/// At most one integration test per core runs at a time, however the suite is
/// started (`swift test` alone runs every test at once). Each of these tests runs
/// daemons, loopback operators or child processes; a hundred of them at once on a
/// 2-core machine starve each other's daemons past any sane deadline, which tells
/// nothing about jackpotd. `.ci/run` also passes Swift Testing's
/// `--experimental-maximum-parallelization-width`; this trait makes a bare
/// `swift test` behave the same.
struct OneTestPerCore: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // The suite itself takes no slot; each test case (argument) does.
        guard testCase != nil else { return try await function() }
        await CoreSlots.shared.acquire()
        do {
            try await function()
        } catch {
            await CoreSlots.shared.release()
            throw error
        }
        await CoreSlots.shared.release()
    }
}

extension Trait where Self == OneTestPerCore {
    static var oneTestPerCore: Self { OneTestPerCore() }
}

/// A counting semaphore for tasks: one slot per active processor.
actor CoreSlots {
    static let shared = CoreSlots(count: max(1, ProcessInfo.processInfo.activeProcessorCount))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()  // the slot passes straight to the next test
        }
    }
}
