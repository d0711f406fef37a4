import Foundation

/// `demo`'s simulated operator wallets, run by the `jackpotd-demo-wallets`
/// program beside this one as a child process, so the simulator stays out of
/// the shipped `jackpotd`. The child prints each wallet's URL and secret,
/// answers `counts` with each wallet's books, and exits when its stdin closes,
/// which also happens when this process dies.
final class DemoWallets {
    static let programName = "jackpotd-demo-wallets"

    struct Wallet: Sendable, Hashable {
        let name: String
        let url: String
        let secret: String
    }

    /// One wallet's books: what the demo's summary checks exactly-once against.
    struct Books: Sendable, Hashable {
        var requests = 0
        var credited = 0
        var duplicates = 0
        var hashFailures = 0
    }

    let wallets: [Wallet]
    private let process: Process
    private let requests: FileHandle
    /// Kept so its descriptor, which `answers` reads, stays open.
    private let answerHandle: FileHandle
    private var answers: BufferedFileReader
    private var stopped = false

    /// The companion program in `directory`, or an error that says how to build it.
    static func program(in directory: String) throws(CommandFailure) -> String {
        let path = directory + "/" + programName
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CommandFailure(
                "the simulated operators run in \(programName), which is not in \(directory); "
                    + "build it beside jackpotd with `swift build --product \(programName)` (make demo does)")
        }
        return path
    }

    /// The directory of the running executable (a test bundle's too), where SwiftPM puts every product it builds.
    static var ownDirectory: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// Starts the companion program and reads its wallets.
    init(program: String) throws {
        let toChild = Pipe()
        let fromChild = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.standardInput = toChild
        process.standardOutput = fromChild
        try process.run()
        requests = toChild.fileHandleForWriting
        answerHandle = fromChild.fileHandleForReading
        answers = BufferedFileReader(descriptor: answerHandle.fileDescriptor)
        var wallets: [Wallet] = []
        while let line = answers.line(), line != "ready" {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 4, words[0] == "wallet" else {
                throw CommandFailure("\(program) printed \(line.debugDescription), not `wallet NAME URL SECRET`")
            }
            wallets.append(Wallet(name: words[1], url: words[2], secret: words[3]))
        }
        self.wallets = wallets
        guard !wallets.isEmpty else { throw CommandFailure("\(program) ended without starting its wallets") }
    }

    deinit { stop() }

    func wallet(_ name: String) throws(CommandFailure) -> Wallet {
        guard let wallet = wallets.first(where: { $0.name == name }) else {
            throw CommandFailure("\(Self.programName) has no wallet \(name); it runs \(wallets.map(\.name))")
        }
        return wallet
    }

    /// Each wallet's books now, by wallet name.
    func books() throws -> [String: Books] {
        try requests.write(contentsOf: Data("counts\n".utf8))
        var books: [String: Books] = [:]
        while let line = answers.line(), line != "end" {
            let words = line.split(separator: " ")
            let numbers = words.dropFirst(2).compactMap { Int($0) }
            guard words.count == 6, words[0] == "counts", numbers.count == 4 else {
                throw CommandFailure("\(Self.programName) printed \(line.debugDescription), not `counts NAME N N N N`")
            }
            books[String(words[1])] = Books(
                requests: numbers[0], credited: numbers[1], duplicates: numbers[2], hashFailures: numbers[3])
        }
        guard books.count == wallets.count else { throw CommandFailure("\(Self.programName) stopped answering") }
        return books
    }

    /// Closes the child's stdin, on which it stops its wallets and exits (Foundation reaps it).
    /// No wait here: `Process.waitUntilExit()` can hang off the thread that launched the child.
    func stop() {
        guard !stopped else { return }
        stopped = true
        try? requests.close()
    }
}

extension BufferedFileReader {
    /// The next line without its newline, or nil at end of input.
    fileprivate mutating func line() -> String? {
        var bytes: [UInt8] = []
        while let byte = next() {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
