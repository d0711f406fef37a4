import Foundation

/// A directory of its own for each test (Swift Testing runs tests in parallel
/// in one process), removed when the test lets go of it.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init() {
        path = FileManager.default.temporaryDirectory.path + "/jackpotd-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package var url: URL { URL(fileURLWithPath: path) }

    /// The absolute path of `name` inside the directory.
    package func path(_ name: String) -> String { path + "/" + name }

    /// Writes `text` at `name` (subdirectories created) with `mode`; returns the absolute path.
    @discardableResult
    package func write(_ name: String, _ text: String, mode: Int = 0o600) -> String {
        let file = path(name)
        try! FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try! FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}
