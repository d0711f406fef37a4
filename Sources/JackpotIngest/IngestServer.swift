import CMicroHTTPD
import Foundation
import Glibc
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// The HTTP ingest listener of `jackpotd run`, on libmicrohttpd.
///
/// libmicrohttpd's own thread accepts, reads and writes (epoll); its callbacks
/// only route, authenticate, buffer the body and judge the wins. Anything that
/// touches the outbox goes to the `IngestWriter`'s thread while the connection
/// is suspended (`MHD_suspend_connection`), and is resumed when its commit is
/// on disk: no thread of the cooperative pool ever waits for a request.
package final class IngestServer: Sendable {
    /// Renders the metrics page with the writer's outbox connection (the
    /// delivery service's registry, its gauges refreshed first).
    package typealias MetricsPage = @Sendable (Outbox) throws -> [UInt8]

    private struct Settings: Sendable {
        var tokens: IngestTokens
        var admission: WinAdmission
    }

    private struct Lifecycle {
        var stopping = false
        /// Requests between their first call and their completion.
        var inFlight = 0
        /// Answers completed since the metrics were last published, by status
        /// code (`noStatus` for a connection that ended before any answer).
        var unpublishedAnswers: [Int: Int] = [:]
    }

    private static let noStatus = -1

    /// libmicrohttpd's memory per connection (headers, read buffer, the
    /// answer's head). libmicrohttpd 0.9.75 zeroes all of it before each
    /// request on a kept-alive connection, and part of it again as the read
    /// buffer moves, on its one polling thread: at 64 KiB that memset took 8 %
    /// of the thread's CPU under 64 single-win clients (perf); at 32 KiB (its
    /// default) it still cleared 48 KiB per single-win request (callgrind:
    /// the whole memory, then half of it again). Bodies are read
    /// through it in pieces, so a batch is not limited by it; a request's
    /// headers are, far above what a platform's client sends (a few hundred
    /// bytes), and a flood of them is refused.
    package static let connectionMemory = 16 * 1024

    package let boundAddress: String
    package let writer: IngestWriter
    /// The socket file to remove at stop, when listening on a unix socket.
    private let socketPath: String?
    private let limits: IngestLimits
    private let requireClientCertificate: Bool
    private let logger: Logger
    private let metrics: MetricsRegistry
    private let metricsPage: MetricsPage
    private let settings: Mutex<Settings>
    private let lifecycle = Mutex(Lifecycle())
    private let daemon = Mutex<ConnectionHandle?>(nil)

    /// Opens the writer's outbox connection, binds the address and starts libmicrohttpd.
    package init(
        config: JackpotConfig, ingest: IngestConfig, databasePath: String, logger: Logger, metrics: MetricsRegistry,
        metricsPage: @escaping MetricsPage
    ) throws {
        limits = ingest.limits
        self.logger = logger
        self.metrics = metrics
        self.metricsPage = metricsPage
        settings = Mutex(Settings(tokens: IngestTokens(ingest.tokens), admission: WinAdmission(config: config)))
        requireClientCertificate = ingest.tls?.clientCAFile != nil
        var tlsFiles: (key: String, certificate: String, trust: String?)?
        if let tls = ingest.tls {
            guard jk_mhd_tls_supported() == 1 else {
                throw IngestStartError("ingest.tls is set but this libmicrohttpd was built without TLS (GnuTLS)")
            }
            tlsFiles = (
                try Self.readPEM(tls.keyFile), try Self.readPEM(tls.certificateFile),
                try tls.clientCAFile.map(Self.readPEM)
            )
        }
        writer = try IngestWriter(
            databasePath: databasePath, busyTimeoutMilliseconds: config.busyTimeoutMilliseconds, checkpoints: config.checkpoints,
            metrics: metrics)
        let socket: ListenSocket
        do {
            socket = try ListenSocket(ingest.listen, backlog: Int32(min(ingest.limits.maxConnections, 4096)))
        } catch {
            writer.stop()
            throw IngestStartError(error.description)
        }
        boundAddress = socket.boundAddress
        if case .unix(let path) = ingest.listen { socketPath = path } else { socketPath = nil }
        let flags = JK_MHD_FLAGS_BASE | (tlsFiles == nil ? 0 : JK_MHD_FLAG_TLS)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let started = jk_mhd_start(
            flags, socket.descriptor, ingestAccessHandler, context, ingestRequestCompleted, context,
            UInt32(ingest.limits.maxConnections), UInt32(ingest.limits.requestTimeoutSeconds), Self.connectionMemory,
            tlsFiles?.key, tlsFiles?.certificate, tlsFiles?.trust)
        guard let started else {
            close(socket.descriptor)
            writer.stop()
            throw IngestStartError(
                "libmicrohttpd could not start on \(socket.boundAddress) (check ingest.tls: key and certificate must match)")
        }
        daemon.withLock { $0 = ConnectionHandle(pointer: started) }
        publishMetrics()
        writer.afterEachCycle { [weak self] in self?.publishMetrics() }
        logger.info(
            "ingest_listening",
            [
                "address": .string(boundAddress), "tls": .bool(tlsFiles != nil), "mtls": .bool(requireClientCertificate),
            ])
    }

    /// New tokens and operators from a reloaded config; requests already admitted keep theirs.
    package func apply(_ config: JackpotConfig) {
        guard let ingest = config.ingest else { return }
        settings.withLock { $0 = Settings(tokens: IngestTokens(ingest.tokens), admission: WinAdmission(config: config)) }
        logger.info("ingest_tokens_reloaded", ["tokens": .string(ingest.tokens.map(\.name).joined(separator: ","))])
    }

    /// Graceful stop: no new connections, `/readyz` says 503, new requests get 503;
    /// requests in flight finish — their wins committed and answered 2xx, or not
    /// committed and answered 503 — within `graceSeconds`; then the listener closes.
    package func stop(graceSeconds: Double) {
        guard let handle = daemon.withLock({ $0 }) else { return }
        lifecycle.withLock { $0.stopping = true }
        let listener = MHD_quiesce_daemon(handle.pointer)
        if listener >= 0 { close(listener) }
        waitForRequests(graceSeconds: graceSeconds)
        writer.stop()
        waitForRequests(graceSeconds: 2)
        MHD_stop_daemon(handle.pointer)
        daemon.withLock { $0 = nil }
        publishMetrics()
        if let socketPath { unlink(socketPath) }
        logger.info("ingest_stopped", ["address": .string(boundAddress)])
    }

    /// libmicrohttpd holds this object unretained: it must not outlive it.
    deinit {
        if let handle = daemon.withLock({ $0 }) {
            MHD_stop_daemon(handle.pointer)
            writer.stop()
        }
    }

    private func waitForRequests(graceSeconds: Double) {
        let deadline = ContinuousClock.now + .milliseconds(Int64(graceSeconds * 1000))
        while lifecycle.withLock({ $0.inFlight }) > 0, ContinuousClock.now < deadline {
            usleep(5_000)
        }
    }

    private static func readPEM(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IngestStartError("cannot read \(path)")
        }
        return text
    }

    // MARK: Requests

    /// libmicrohttpd's access handler, called on its thread: first with the
    /// headers, then once per piece of body, then with no body left (and once
    /// more after a resume).
    /// `url` and `method` are read on the first call only: the later ones (body
    /// pieces, the end, the resume) have the route in the request's exchange.
    fileprivate func access(
        _ connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, upload: UnsafePointer<CChar>?,
        uploadSize: UnsafeMutablePointer<Int>, requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let stored = requestContext.pointee else {
            let exchange = IngestExchange(
                route: IngestRoute(
                    method: method.map { String(cString: $0) } ?? "", path: url.map { String(cString: $0) } ?? "/"),
                bodyDeadline: .now + .seconds(limits.requestTimeoutSeconds))
            requestContext.pointee = Unmanaged.passRetained(exchange).toOpaque()
            lifecycle.withLock { $0.inFlight += 1 }
            if let answer = admit(exchange, connection) { return queue(answer, for: exchange, on: connection) }
            return JK_MHD_YES
        }
        let exchange = Unmanaged<IngestExchange>.fromOpaque(stored).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            guard ContinuousClock.now < exchange.bodyDeadline else { return timedOut(exchange, connection) }
            let count = uploadSize.pointee
            if let upload {
                exchange.progress.withLock { progress in
                    guard !progress.tooLarge else { return }
                    if progress.body.count + count > limits.maxBodyBytes {
                        progress.tooLarge = true
                        progress.body = []
                    } else {
                        upload.withMemoryRebound(to: UInt8.self, capacity: count) {
                            progress.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
                        }
                    }
                }
            }
            uploadSize.pointee = 0
            return JK_MHD_YES
        }
        let (answer, suspended, tooLarge) = exchange.progress.withLock { ($0.answer, $0.suspended, $0.tooLarge) }
        if let answer { return queue(answer, for: exchange, on: connection) }
        if suspended { return JK_MHD_YES }
        if tooLarge { return queue(bodyTooLarge, for: exchange, on: connection) }
        return handle(exchange, connection)
    }

    private var bodyTooLarge: IngestAnswer {
        .error(413, "the body is larger than ingest.limits.maxBodyBytes (\(limits.maxBodyBytes) bytes); split the batch")
    }

    /// Answers 408 to a request whose body is still arriving at its deadline,
    /// then has libmicrohttpd close the connection. libmicrohttpd queues no
    /// response while it hands the handler pieces of a body (microhttpd.h:
    /// "The response cannot be queued when this callback is called to process
    /// the client upload data"), so the answer is written as it is, head and
    /// body, and `MHD_NO` ends the connection: a client that trickles its body
    /// hears why it was cut off instead of seeing the connection drop.
    private func timedOut(_ exchange: IngestExchange, _ connection: OpaquePointer) -> MHD_Result {
        let answer = IngestAnswer.error(
            408,
            "the body did not arrive within ingest.limits.requestTimeoutSeconds (\(limits.requestTimeoutSeconds) s) of the headers; nothing was stored, send it again",
            headers: [("Connection", "close")])
        exchange.progress.withLock {
            $0.status = answer.status
            $0.body = []
        }
        var head = "HTTP/1.1 408 Request Timeout\r\n"
        for (name, value) in answer.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(answer.body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + answer.body
        _ = bytes.withUnsafeBytes { jk_mhd_write_final_answer(connection, $0.baseAddress, $0.count) }
        return JK_MHD_NO
    }

    /// Decides from the headers alone, before any body is read: an answer, or nil to read the body.
    private func admit(_ exchange: IngestExchange, _ connection: OpaquePointer) -> IngestAnswer? {
        if lifecycle.withLock({ $0.stopping }) {
            return IngestAnswer.unavailable("jackpotd is stopping; send the request to another instance or again later")
        }
        if requireClientCertificate, jk_mhd_client_certificate_verified(connection) == 0 {
            return .error(403, "a client certificate signed by the CA in ingest.tls.clientCAFile is required")
        }
        switch exchange.route {
        case .notFound:
            return .error(404, "no such endpoint; see POST /v1/wins, GET /v1/wins/{reference}, /healthz, /readyz, /metrics")
        case .methodNotAllowed(let allow):
            return .error(405, "this endpoint takes \(allow)", headers: [("Allow", allow)])
        default:
            break
        }
        guard exchange.route.needsToken else { return nil }
        let authorization = headerBytes(connection, "Authorization")
        guard let token = authorization.flatMap({ bytes in settings.withLock { $0.tokens.authenticate(authorization: bytes) } })
        else {
            let why = authorization == nil ? "no Authorization header" : "the token is not valid"
            return .error(
                401, "\(why); send Authorization: Bearer TOKEN with a token from ingest.tokens",
                headers: [("WWW-Authenticate", "Bearer")])
        }
        exchange.progress.withLock { $0.token = token }
        guard exchange.route == .postWins else { return nil }
        guard let kind = headerBytes(connection, "Content-Type").flatMap(WinsRequest.Kind.init(contentType:)) else {
            let contentType = header(connection, "Content-Type")
            return .error(
                415,
                "Content-Type must be application/json (one win) or application/x-ndjson (JSON Lines), got \(contentType.map { "\"\($0)\"" } ?? "none")"
            )
        }
        exchange.progress.withLock { $0.kind = kind }
        if let length = header(connection, "Content-Length").flatMap(Int.init), length > limits.maxBodyBytes {
            return bodyTooLarge
        }
        return nil
    }

    /// The whole request is in: answer now, or suspend until the writer has done its part.
    private func handle(_ exchange: IngestExchange, _ connection: OpaquePointer) -> MHD_Result {
        switch exchange.route {
        case .healthz:
            return queue(.json(200, JSONObject(["status": .string("ok")])), for: exchange, on: connection)
        case .readyz:
            return suspend(exchange, connection) { finish in
                writer.read { outbox in finish(Self.readiness(outbox)) }
            }
        case .metrics:
            return suspend(exchange, connection) { [metricsPage, logger] finish in
                writer.read { [self] outbox in
                    publishMetrics()
                    do {
                        let page = try metricsPage(outbox)
                        finish(
                            IngestAnswer(
                                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                body: page))
                    } catch {
                        logger.error("storage_error", ["error": .string(String(describing: error)), "in": "ingest_metrics"])
                        finish(.unavailable("the outbox cannot be read: \(error)"))
                    }
                }
            }
        case .getWin(let reference):
            let token = exchange.progress.withLock { $0.token }
            return suspend(exchange, connection) { finish in
                writer.read { outbox in finish(WinStatus.answer(reference: reference, token: token, outbox: outbox)) }
            }
        case .postWins:
            return postWins(exchange, connection)
        case .notFound, .methodNotAllowed:
            preconditionFailure("answered in admit")
        }
    }

    private func postWins(_ exchange: IngestExchange, _ connection: OpaquePointer) -> MHD_Result {
        let (body, kind, token) = exchange.progress.withLock { progress in
            defer { progress.body = [] }
            return (progress.body, progress.kind, progress.token)
        }
        guard let kind, let token else { preconditionFailure("admitted without kind or token") }
        guard !body.isEmpty else {
            return queue(
                .error(400, "the body is empty; send one win as a JSON object, or JSON Lines as application/x-ndjson"),
                for: exchange, on: connection)
        }
        let admission = settings.withLock { $0.admission }
        let now = WallClock.nowMilliseconds()
        let wins: [NewWin]
        let judged: JudgedLines
        switch kind {
        case .single:
            // Nearly every post: its one line kept as it is, without the arrays a batch needs.
            let line = WinsRequest.judge(body, number: 1, now: now, token: token, admission: admission)
            if case .store(let win) = line.verdict { wins = [win] } else { wins = [] }
            judged = .single(line)
        case .batch:
            guard let split = WinsRequest.splitLines(body, maxLines: limits.maxLinesPerRequest) else {
                return queue(
                    .error(
                        413, "more than ingest.limits.maxLinesPerRequest (\(limits.maxLinesPerRequest)) lines; split the batch"),
                    for: exchange, on: connection)
            }
            guard !split.isEmpty else {
                return queue(.error(400, "the body has no lines; send one win per line"), for: exchange, on: connection)
            }
            let lines = split.map { WinsRequest.judge($0.bytes, number: $0.number, now: now, token: token, admission: admission) }
            wins = lines.compactMap { line -> NewWin? in
                if case .store(let win) = line.verdict { return win }
                return nil
            }
            judged = .batch(lines)
        }
        guard !wins.isEmpty else { return queue(judged.answer([]), for: exchange, on: connection) }
        return suspend(exchange, connection) { [logger, writer] finish in
            let queued = writer.store(wins) { result in
                switch result {
                case .success(let outcomes):
                    finish(judged.answer(outcomes))
                case .failure(let error):
                    logger.error("storage_error", ["error": .string(String(describing: error)), "in": "ingest"])
                    finish(judged.answer(nil))
                }
            }
            if queued, logger.isEnabled(.debug) {
                logger.debug("ingest_queued", ["wins": LogValue(wins.count), "queued": LogValue(writer.queuedWins)])
            }
            return queued
        }
    }

    /// A post's judged lines, from which its answer is made once the writer
    /// has stored its wins (or failed to). A value, held inline by the writer's
    /// completion rather than in a closure allocated for each request.
    private enum JudgedLines: Sendable {
        case single(WinsRequest.Line)
        case batch([WinsRequest.Line])

        /// `outcomes`: one per win handed to the writer, or nil when nothing was stored.
        func answer(_ outcomes: [IngestWriter.Outcome]?) -> IngestAnswer {
            switch self {
            case .single(let line): WinsRequest.singleAnswer(line, outcome: outcomes?.first)
            case .batch(let lines):
                outcomes.map { WinsRequest.batchAnswer(lines, outcomes: $0) }
                    ?? .unavailable("nothing in this batch was stored; send it again")
            }
        }
    }

    private static func readiness(_ outbox: Outbox) -> IngestAnswer {
        do {
            try outbox.requireWritable()
            try outbox.requireNotMoved()
            _ = try outbox.database.queryScalar("SELECT count(*) FROM sqlite_master")
            return .json(200, JSONObject(["ready": .bool(true)]))
        } catch {
            return .json(
                503, JSONObject(["ready": .bool(false), "reason": .string(String(describing: error))]),
                headers: [("Retry-After", "1")])
        }
    }

    /// Stores a suspended request's answer and resumes its connection, on
    /// whichever thread finished the work. A value rather than a closure: the
    /// writer's completion holds it inline instead of one more allocation per request.
    private struct Finish: Sendable {
        let exchange: IngestExchange
        let connection: ConnectionHandle

        func callAsFunction(_ answer: IngestAnswer) {
            exchange.progress.withLock { $0.answer = answer }
            MHD_resume_connection(connection.pointer)
        }
    }

    /// Suspends the connection, then hands `work` a `finish` that stores the
    /// answer and resumes it. Suspending first means a fast writer cannot
    /// resume a connection that is not yet suspended.
    private func suspend(
        _ exchange: IngestExchange, _ connection: OpaquePointer, _ work: (Finish) -> Bool
    ) -> MHD_Result {
        exchange.progress.withLock { $0.suspended = true }
        MHD_suspend_connection(connection)
        let finish = Finish(exchange: exchange, connection: ConnectionHandle(pointer: connection))
        if !work(finish) {
            let stopping = lifecycle.withLock { $0.stopping }
            finish(
                .unavailable(
                    stopping
                        ? "jackpotd is stopping; nothing was stored, send it again"
                        : "the writer is behind (more than \(writer.maximumQueuedWins) wins queued); nothing was stored, send it again"
                ))
        }
        return JK_MHD_YES
    }

    private func queue(_ answer: IngestAnswer, for exchange: IngestExchange, on connection: OpaquePointer) -> MHD_Result {
        exchange.progress.withLock { $0.status = answer.status }
        let response = answer.body.withUnsafeBytes { bytes in
            jk_mhd_response_copy(bytes.count, bytes.baseAddress)
        }
        guard let response else { return JK_MHD_NO }
        defer { MHD_destroy_response(response) }
        for (name, value) in answer.headers { MHD_add_response_header(response, name, value) }
        if lifecycle.withLock({ $0.stopping }) { MHD_add_response_header(response, "Connection", "close") }
        return MHD_queue_response(connection, UInt32(answer.status), response)
    }

    fileprivate func completed(_ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let stored = requestContext.pointee else { return }
        requestContext.pointee = nil
        let exchange = Unmanaged<IngestExchange>.fromOpaque(stored).takeRetainedValue()
        let status = exchange.progress.withLock { $0.status } ?? Self.noStatus
        lifecycle.withLock { state in
            state.inFlight -= 1
            state.unpublishedAnswers[status, default: 0] += 1
        }
    }

    /// Brings the request counter and the in-flight gauge up to date in the
    /// registry. Requests are counted in `lifecycle`, under the lock each one
    /// takes anyway, and published by the writer's thread after each of its
    /// cycles (at least once a second), right before `/metrics` renders, and
    /// at stop: three registry updates per request on libmicrohttpd's thread
    /// cost more than the rest of answering a GET.
    private func publishMetrics() {
        let (answers, inFlight) = lifecycle.withLock { state in
            defer { state.unpublishedAnswers.removeAll(keepingCapacity: true) }
            return (state.unpublishedAnswers, state.inFlight)
        }
        for (status, count) in answers {
            metrics.counter(
                IngestMetrics.requests, labels: ["code": status == Self.noStatus ? "none" : String(status)],
                add: Double(count))
        }
        metrics.gauge(IngestMetrics.inFlight, labels: [:], set: Double(inFlight))
    }

    private func header(_ connection: OpaquePointer, _ name: String) -> String? {
        jk_mhd_header(connection, name).map { String(cString: $0) }
    }

    /// A request header's bytes where libmicrohttpd keeps them, valid for this
    /// call of the access handler: read in place, where a `String` would be a
    /// copy and a UTF-8 check on every post.
    private func headerBytes(_ connection: OpaquePointer, _ name: String) -> UnsafeBufferPointer<UInt8>? {
        guard let value = jk_mhd_header(connection, name) else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value))
    }
}

/// Why the listener could not start; `jackpotd run` exits with it.
package struct IngestStartError: Error, CustomStringConvertible {
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}

private let ingestAccessHandler: MHD_AccessHandlerCallback = {
    context, connection, url, method, _, upload, uploadSize, requestContext in
    guard let context, let connection, let uploadSize, let requestContext else { return JK_MHD_NO }
    let server = Unmanaged<IngestServer>.fromOpaque(context).takeUnretainedValue()
    return server.access(
        connection, url: url, method: method, upload: upload, uploadSize: uploadSize, requestContext: requestContext)
}

private let ingestRequestCompleted: MHD_RequestCompletedCallback = { context, _, requestContext, _ in
    guard let context, let requestContext else { return }
    Unmanaged<IngestServer>.fromOpaque(context).takeUnretainedValue().completed(requestContext)
}
