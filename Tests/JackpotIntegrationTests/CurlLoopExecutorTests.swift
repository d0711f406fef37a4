import Foundation
import Testing
import JackpotDelivery
import JackpotWire
import OperatorSimulator
import TestSupport

/// Calls started on the transport's executor run on its multi loop's thread,
/// and a shutdown ends every one of them, their code after the loop is gone included.
@Suite(.timeLimit(.minutes(2)), .oneTestPerCore) struct CurlLoopExecutorTests {
    typealias Fixtures = ScriptedOperatorFixtures

    /// The kernel's name of the thread running the caller (`Thread.current` is
    /// not reliable on a thread that runs tasks).
    private static func threadName() -> String? {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    @Test func callsOnTheTransportsExecutorRunOnItsLoopThread() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 4)
        defer {
            transport.shutdown()
            wallet.stop()
        }
        let executor = try #require(transport.callExecutor)
        let threads = await withTaskGroup(of: String?.self) { group in
            for index in 0..<20 {
                let request = Fixtures.jsonRequest(url: wallet.url, reference: "loop-\(index)")
                group.addTask(executorPreference: executor) {
                    let status = (try? await transport.send(request, timeoutSeconds: 10).get())?.status
                    return status == 200 ? Self.threadName() : "answered \(String(describing: status))"
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(threads.count == 20)
        #expect(threads.allSatisfy { $0 == "jackpotd.curl" }, "\(threads)")
        #expect(wallet.snapshot.credited == 20)
    }

    @Test func aShutdownEndsCallsWaitingOnTheLoopAndTheirCodeRunsOn() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        defer { wallet.stop() }
        wallet.enqueueFaults(Array(repeating: .hang, count: 8))
        let transport = CurlTransport(maximumConnectionsPerHost: 8)
        let executor = try #require(transport.callExecutor)
        let calls = Task {
            await withTaskGroup(of: [HTTPExchangeResult].self) { group in
                for index in 0..<8 {
                    let request = Fixtures.jsonRequest(url: wallet.url, reference: "stop-\(index)")
                    group.addTask(executorPreference: executor) {
                        let first = await transport.send(request, timeoutSeconds: 60)
                        // Resumed by the shutdown: this runs once the loop has ended.
                        let second = await transport.send(request, timeoutSeconds: 60)
                        return [first, second]
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
        }
        let waiting = await eventually { wallet.snapshot.requests == 8 }
        try #require(waiting, "the operator received \(wallet.snapshot.requests) of 8 calls")

        await transport.close()
        let results = await calls.value
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == .failure(.other("the transport was shut down")) }, "\(results)")
    }
}
