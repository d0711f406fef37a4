import Foundation
import Synchronization
import JackpotTelemetry

/// Where a command writes. Buffered, so that `export` of a million rows is not
/// a million write(2) calls; tests capture it in memory instead.
package final class TextOutput: Sendable {
    private enum Target {
        case fileDescriptor(Int32)
        case memory
    }
    private struct State {
        var buffer: [UInt8] = []
        var captured: [UInt8] = []
    }
    private let target: Target
    private let state = Mutex(State())
    private static let flushThreshold = 64 * 1024

    private init(target: Target) { self.target = target }

    package static func standardOutput() -> TextOutput { TextOutput(target: .fileDescriptor(STDOUT_FILENO)) }
    package static func standardError() -> TextOutput { TextOutput(target: .fileDescriptor(STDERR_FILENO)) }
    /// Keeps everything written, for tests (`text`).
    package static func capturing() -> TextOutput { TextOutput(target: .memory) }

    package func write(_ text: String) {
        state.withLock { state in
            state.buffer.append(contentsOf: text.utf8)
            if state.buffer.count >= Self.flushThreshold { drain(&state) }
        }
    }

    package func line(_ text: String = "") { write(text + "\n") }

    /// True for in-memory outputs (tests), which never draw terminal progress.
    package var isCapturing: Bool {
        if case .memory = target { return true }
        return false
    }

    package func flush() { state.withLock { drain(&$0) } }

    /// Everything written so far (capturing outputs only).
    package var text: String {
        state.withLock { state in
            drain(&state)
            return String(decoding: state.captured, as: UTF8.self)
        }
    }

    private func drain(_ state: inout State) {
        guard !state.buffer.isEmpty else { return }
        switch target {
        case .memory:
            state.captured.append(contentsOf: state.buffer)
        case .fileDescriptor(let descriptor):
            writeAll(descriptor, state.buffer)
        }
        state.buffer.removeAll(keepingCapacity: true)
    }
}
