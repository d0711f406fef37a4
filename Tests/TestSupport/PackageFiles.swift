import Foundation

/// Files of this package (Deploy/, docs/), found from this source file's
/// location so tests do not depend on the directory `swift test` started in.
package enum PackageFiles {
    package static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/PackageFiles.swift
        return url.path
    }()

    package static func path(_ relative: String) -> String { root + "/" + relative }

    package static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    package static func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }
}
