import Foundation

/// Wallets over TLS on loopback: an nginx the bench configures and starts
/// (Debian's `nginx-light`: `apt-get install nginx-light`), listening on one
/// port of each given address, answering every POST with a wallet's success
/// JSON (a fresh transactionId per call), connections kept alive. A C server
/// of its own process, so the bench's CPU figures are the client's alone.
///
/// `setDown(true)` makes every answer a 503 (an outage) until `setDown(false)`:
/// nginx checks a flag file per request, so the switch needs no reload.
/// The access log records each request's connection, so `tally()` counts TLS
/// connections (handshakes) as well as answers.
final class NginxWallet {
    let addresses: [String]
    let port: Int
    let certificates: LoopbackCertificates
    private let directory: String
    private let process = Process()
    private var logOffset: UInt64 = 0

    /// `latencyMilliseconds`: how long each answer waits before it is sent (the echo module's sleep).
    init(addresses: [String], latencyMilliseconds: Int = 0, in directory: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw BenchFailure("the TLS measurements need nginx (\(Self.executable)): apt-get install nginx-light")
        }
        self.addresses = addresses
        self.directory = directory
        certificates = try LoopbackCertificates(addresses: addresses, in: directory)
        port = try Self.freePort()
        let config = Self.config(
            addresses: addresses, port: port, latencyMilliseconds: latencyMilliseconds, certificates: certificates,
            directory: directory)
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/nginx.conf"))
        _ = FileManager.default.createFile(atPath: directory + "/access.log", contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    static let executable = "/usr/sbin/nginx"

    /// `count` distinct loopback addresses from 127.0.1.1 on (127.0.0.1 stays for the other measurements).
    static func loopbackAddresses(_ count: Int) -> [String] {
        (0..<count).map { "127.0.\(1 + $0 / 250).\(1 + $0 % 250)" }
    }

    func url(_ address: String) -> String { "https://\(address):\(port)/wallet/credit" }

    /// Every answer a 503 while `down`.
    func setDown(_ down: Bool) throws {
        let flag = directory + "/down"
        if down {
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
        } else {
            try? FileManager.default.removeItem(atPath: flag)
        }
    }

    /// What nginx answered since the last tally.
    struct Tally {
        var answers = 0
        var successes = 0
        /// Connections whose first request is in this tally: one TLS handshake each.
        var connections = 0

        /// New TLS connections per 1 000 answers.
        var connectionsPerThousand: Double { answers == 0 ? 0 : Double(connections) * 1000 / Double(answers) }
    }

    /// Reads the access log written since the last call.
    func tally() throws -> Tally {
        guard let file = FileHandle(forReadingAtPath: directory + "/access.log") else {
            throw BenchFailure("nginx wrote no access log; see \(directory)/error.log")
        }
        defer { try? file.close() }
        try file.seek(toOffset: logOffset)
        let data = file.readDataToEndOfFile()
        // Only whole lines: nginx may be writing the last one.
        guard let end = data.lastIndex(of: UInt8(ascii: "\n")) else { return Tally() }
        logOffset += UInt64(end - data.startIndex + 1)
        var tally = Tally()
        for line in data[..<end].split(separator: UInt8(ascii: "\n")) {
            // "$connection_requests $status"
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count == 2 else { continue }
            tally.answers += 1
            if fields[1].elementsEqual("200".utf8) { tally.successes += 1 }
            if fields[0].elementsEqual("1".utf8) { tally.connections += 1 }
        }
        return tally
    }

    /// Stops nginx at once (SIGTERM: its fast shutdown).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    private func waitUntilListening() throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                throw BenchFailure("nginx did not start: \(log.split(separator: "\n").suffix(3).joined(separator: " | "))")
            }
            if addresses.allSatisfy({ Self.accepts($0, port: port) }) { return }
            usleep(20_000)
        }
        throw BenchFailure("nginx did not listen on port \(port) within 20 s; see \(directory)/error.log")
    }

    private static func accepts(_ address: String, port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &target.sin_addr)
        return withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A port the kernel just handed out on 127.0.0.1 (nginx cannot report a port 0 of its own).
    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchFailure("cannot open a socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw BenchFailure("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// One worker (the machine's other core is the daemon's), enough connections
    /// and descriptors for thousands of kept-alive TLS connections, no limit on
    /// requests per connection, and an answer shaped like a wallet's success.
    private static func config(
        addresses: [String], port: Int, latencyMilliseconds: Int, certificates: LoopbackCertificates, directory: String
    ) -> String {
        let success =
            #"{"transactionId":"$request_id","currency":"EUR","cash":"1.00","bonus":"0","error":0,"description":"Success"}"#
        let outage = #"{"error":1,"description":"Service unavailable"}"#
        let answer =
            latencyMilliseconds > 0
            ? "echo_read_request_body;\n            echo_sleep \(Double(latencyMilliseconds) / 1000);\n            echo '\(success)';"
            : "return 200 '\(success)';"
        let location = """
                        location / {
                            if (-f \(directory)/down) { return 503 '\(outage)'; }
                            \(answer)
                        }
            """
        return """
            \(latencyMilliseconds > 0 ? "load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;" : "")
            daemon off;
            master_process on;
            worker_processes 1;
            worker_rlimit_nofile 65536;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 32768; multi_accept on; }
            http {
                access_log off;
                log_format counts '$connection_requests $status';
                client_body_temp_path \(directory)/body;
                keepalive_timeout 300s;
                keepalive_requests 100000000;
            \(certificates.servers.map {
                serverBlock($0, port: port, keyFile: certificates.keyFile, location: location, directory: directory)
            }.joined(separator: "\n"))
            }

            """
    }

    /// One `server` for the addresses one certificate names; access logs and answers are the same in all.
    private static func serverBlock(
        _ server: LoopbackCertificates.Server, port: Int, keyFile: String, location: String, directory: String
    ) -> String {
        """
                server {
        \(server.addresses.map { "            listen \($0):\(port) ssl;" }.joined(separator: "\n"))
                    ssl_certificate \(server.certificateFile);
                    ssl_certificate_key \(keyFile);
                    ssl_session_cache shared:bench:10m;
                    access_log \(directory)/access.log counts;
                    default_type application/json;
        \(location)
                }
        """
    }
}
