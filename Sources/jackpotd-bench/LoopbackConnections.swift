import Foundation

/// Client-side TCP sockets on this machine towards a loopback port, by state,
/// read from /proc/net/tcp: how the bench sees that a child daemon's calls to
/// a silent operator are really in flight (the daemon reports no such count).
enum LoopbackConnections {
    enum State: String {
        /// The handshake completed: the request went out, no answer came.
        case established = "01"
        /// A SYN sent and not answered: the client is still connecting.
        case synSent = "02"
    }

    /// Sockets whose remote end is 127.0.0.1:`port`, in `state`.
    static func count(toPort port: Int, in state: State) -> Int {
        states(toPort: port)[state.rawValue] ?? 0
    }

    /// Sockets whose remote end is 127.0.0.1:`port`, by state (as hex codes, for failure messages).
    static func states(toPort port: Int) -> [String: Int] {
        // Read to the end: the kernel serves the table a page per read, and
        // String(contentsOfFile:) stops after the first.
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return [:] }
        defer { try? file.close() }
        let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        let remote = "0100007F:" + String(format: "%04X", port)
        var states: [String: Int] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 3, fields[2] == remote { states[String(fields[3]), default: 0] += 1 }
        }
        return states
    }
}

extension LoopbackConnections {
    /// Established client-side sockets towards `port` on any loopback address
    /// (the bench's TLS wallets listen on one port of many addresses).
    static func established(toPortOnAnyAddress port: Int) -> Int {
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return 0 }
        defer { try? file.close() }
        let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        let suffix = ":" + String(format: "%04X", port)
        var count = 0
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 3, fields[2].hasSuffix(suffix), fields[3] == State.established.rawValue { count += 1 }
        }
        return count
    }
}
