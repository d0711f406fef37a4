import CCurl
import Dispatch
import Synchronization
import JackpotWire

/// The production transport: libcurl's multi interface, used directly.
///
/// One multi handle, driven by one thread of its own (`CurlMultiLoop`), carries
/// every call; callers suspend on a continuation and never block a cooperative
/// thread. Connections are kept alive and reused per host, up to
/// `maximumConnectionsPerHost` (at least the callers' concurrency, or queued
/// calls would spend their timeout waiting for a connection). Per call
/// (`CurlExchange`): curl owns a copy of the body, so a resend after a reset on
/// a reused connection carries every byte; the timeout is curl's own, in
/// milliseconds; redirects are not followed; https only unless the request
/// allows http; TLS always verified; the response body is capped while it
/// streams; nothing compressed is asked for.
package final class CurlTransport: HTTPTransport {
    private let mailbox: CurlMailbox?
    private let executor: CurlLoopExecutor?
    private let finished = DispatchGroup()
    private let nextID = Atomic<UInt64>(1)
    private let startFailure: String?

    /// At most twice `maximumConnectionsPerHost` connections open.
    convenience package init(maximumConnectionsPerHost: Int) {
        let perHost = max(1, maximumConnectionsPerHost)
        self.init(maximumConnectionsPerHost: perHost, connections: CurlConnectionSettings(connectionsPerHost: perHost))
    }

    /// `connections`: how many connections may be open and how long an idle one is kept (`transport` in the config).
    package init(maximumConnectionsPerHost: Int, connections: CurlConnectionSettings) {
        let perHost = max(1, maximumConnectionsPerHost)
        guard CurlGlobal.ensureInitialized(), let multi = curl_multi_init() else {
            mailbox = nil
            executor = nil
            startFailure = "libcurl could not be initialised"
            return
        }
        _ = jk_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        connections.apply(toMulti: multi)
        let mailbox = CurlMailbox(multi: CurlMultiHandle(raw: multi))
        let executor = CurlLoopExecutor(mailbox: mailbox)
        self.mailbox = mailbox
        self.executor = executor
        startFailure = nil
        CurlMultiLoop.start(
            multi: CurlMultiHandle(raw: multi), mailbox: mailbox, executor: executor, idleHandles: max(8, perHost),
            connections: connections, finished: finished)
    }

    /// The multi loop's thread (`CurlLoopExecutor`).
    package var callExecutor: (any TaskExecutor)? { executor }

    deinit {
        shutdown()
    }

    package func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult {
        guard let mailbox else { return .failure(.other(startFailure ?? "libcurl is unavailable")) }
        let timeout = timeoutSeconds.isFinite && timeoutSeconds > 0 ? timeoutSeconds : 1
        let milliseconds = max(1, Int((timeout * 1000).rounded(.up)))
        let id = nextID.add(1, ordering: .relaxed).oldValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let job = CurlJob(id: id, request: request, timeoutMilliseconds: milliseconds, continuation: continuation)
                guard mailbox.submit(job) else {
                    continuation.resume(returning: .failure(.other("the transport was shut down")))
                    return
                }
                // The cancellation handler may have run before the job was posted and found nothing to end.
                if Task.isCancelled { mailbox.cancel(id) }
            }
        } onCancel: {
            mailbox.cancel(id)
        }
    }

    /// Fails everything in flight, stops the loop's thread and waits for it to
    /// release libcurl's handles; the transport refuses calls afterwards. Idempotent.
    package func shutdown() {
        guard let mailbox else { return }
        mailbox.stop()
        finished.wait()
    }

    /// `shutdown()` for async callers: the wait for the loop's thread happens on
    /// a dispatch thread, not on one of the few cooperative threads.
    package func close() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.shutdown()
                continuation.resume()
            }
        }
    }
}
