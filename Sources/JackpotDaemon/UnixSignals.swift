import Dispatch
import Foundation

/// Signals as an `AsyncSequence` (swift-service-lifecycle's
/// `UnixSignalsSequence`): each delivery of one of `signals` is an element, in
/// order, until the consuming task is cancelled, which also gives the signals
/// back. Dispatch sources, not `signal()` handlers: libdispatch owns the
/// process's signal handling.
struct UnixSignals: AsyncSequence, Sendable {
    typealias Element = Int32

    let signals: [Int32]

    init(_ signals: [Int32]) {
        self.signals = signals
    }

    func makeAsyncIterator() -> AsyncStream<Int32>.Iterator {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = SignalSources(signals) { continuation.yield($0) }
        continuation.onTermination = { _ in sources.cancel() }
        return stream.makeAsyncIterator()
    }
}

/// The dispatch sources behind one `UnixSignals` iteration.
private final class SignalSources: Sendable {
    /// Created and resumed in `init`, cancelled in `cancel`; dispatch sources may be used from any thread.
    private nonisolated(unsafe) let sources: [DispatchSourceSignal]

    init(_ signals: [Int32], onSignal: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "jackpotd.signals")
        sources = signals.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
