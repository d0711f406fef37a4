import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// The production transport: one long-lived URLSession shared by every send.
///
/// On Linux URLSession runs on libcurl, which shapes this type: a single
/// session keeps connections alive and pooled (a session per call would
/// reconnect every time); `httpMaximumConnectionsPerHost` must be at least
/// the caller's concurrency, or queued requests burn their timeout before
/// they start; curl's timeouts are whole seconds, so the exact deadline is
/// enforced here, by one task that checks every call's deadline a few dozen
/// times a second (a timer task per call cost about as much CPU as the rest
/// of the client side of the call). Redirects are refused — a wallet that
/// redirects a money call is misconfigured, and following it could deliver
/// the win to the wrong place. TLS verification is never relaxed.
package final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let delegate: ExchangeDelegate
    private let isShutDown = Mutex(false)
    /// Held here because `OperationQueue.underlyingQueue` does not retain it.
    private let delegateDispatchQueue = DispatchQueue(label: "jackpotd.urlsession.delegate")
    private let deadlines: Task<Void, Never>

    /// How often overdue calls are looked for: a call may outlive its deadline by this much.
    static let deadlineCheckInterval = Duration.milliseconds(20)

    package init(maximumConnectionsPerHost: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maximumConnectionsPerHost)
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCredentialStorage = nil
        delegate = ExchangeDelegate()
        // The delegate runs on a queue of its own, not on the shared global pool: a
        // fast operator's body arrives as a stream of chunks, each parked in memory
        // until the delegate has seen it, and a delegate starved by a busy pool let a
        // 200 MB answer pile up in full before its cancel took effect.
        let delegateQueue = OperationQueue()
        delegateQueue.maxConcurrentOperationCount = 1
        delegateQueue.underlyingQueue = delegateDispatchQueue
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: delegateQueue)
        deadlines = Task { [delegate] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.deadlineCheckInterval)
                delegate.expireOverdue(now: .now)
            }
        }
    }

    deinit {
        deadlines.cancel()
        // The session retains its delegate until invalidated; without this a
        // dropped transport would leak both.
        session.finishTasksAndInvalidate()
    }

    package func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult {
        // An invalidated session must not be handed new tasks.
        guard !isShutDown.withLock({ $0 }) else { return .failure(.other("the transport was shut down")) }
        guard let url = URL(string: request.url), url.scheme != nil else {
            return .failure(.other("invalid URL"))
        }
        let timeout = timeoutSeconds.isFinite && timeoutSeconds > 0 ? timeoutSeconds : 1
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        // libcurl only honours whole seconds; the deadline task below keeps the real one.
        urlRequest.timeoutInterval = max(1, timeout.rounded(.up))
        urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = Data(request.body)

        let task = session.dataTask(with: urlRequest)
        let id = task.taskIdentifier
        let delegate = delegate
        let deadline = ContinuousClock.now + .seconds(timeout)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                delegate.register(id, task: task, deadline: deadline, continuation: continuation)
                if Task.isCancelled {
                    // The cancellation handler may have run before registration and found nothing to finish.
                    delegate.finish(id, with: .failure(.other("cancelled by the caller")))
                    return
                }
                task.resume()
            }
        } onCancel: {
            delegate.finish(id, with: .failure(.other("cancelled by the caller")))
            task.cancel()
        }
    }

    /// Cancels everything in flight and releases the session; the transport is unusable afterwards.
    package func shutdown() {
        isShutDown.withLock { $0 = true }
        deadlines.cancel()
        session.invalidateAndCancel()
    }
}

/// Collects each task's response and resumes its caller exactly once — whichever
/// comes first of completion, body overflow, deadline or cancellation wins, and
/// the others find nothing left to finish.
private final class ExchangeDelegate: NSObject, URLSessionDataDelegate {
    private struct Exchange {
        let continuation: CheckedContinuation<HTTPExchangeResult, Never>
        let task: URLSessionTask
        let deadline: ContinuousClock.Instant
        var response: HTTPResponseData?

        /// Adds `data` to the body, in place, up to the limit; true once the body overflowed.
        mutating func append(_ data: Data, head: URLResponse?) -> Bool {
            if response == nil {
                response = head.map(ExchangeDelegate.responseHead) ?? HTTPResponseData(status: 0, body: [])
            }
            let room = HTTPResponseData.bodyLimit - response!.body.count
            guard data.count > room else {
                response!.body.append(contentsOf: data)
                return false
            }
            response!.body.append(contentsOf: data.prefix(room))
            response!.bodyTruncated = true
            return true
        }
    }

    private let exchanges = Mutex<[Int: Exchange]>([:])
    /// Where overflowing exchanges are cancelled (see `didReceive data`).
    private static let cancelQueue = DispatchQueue(label: "jackpotd.urlsession.cancel")

    func register(
        _ id: Int, task: URLSessionTask, deadline: ContinuousClock.Instant,
        continuation: CheckedContinuation<HTTPExchangeResult, Never>
    ) {
        exchanges.withLock { $0[id] = Exchange(continuation: continuation, task: task, deadline: deadline) }
    }

    /// Resumes the caller of task `id` with `result`, unless it was already resumed.
    func finish(_ id: Int, with result: HTTPExchangeResult) {
        guard let exchange = exchanges.withLock({ $0.removeValue(forKey: id) }) else { return }
        exchange.continuation.resume(returning: result)
    }

    /// Ends every exchange past its deadline as a timeout and stops its transfer.
    func expireOverdue(now: ContinuousClock.Instant) {
        let overdue = exchanges.withLock { exchanges in
            exchanges.filter { $0.value.deadline <= now }.map { (id: $0.key, task: $0.value.task) }
        }
        for exchange in overdue {
            finish(exchange.id, with: .failure(.timeout))
            exchange.task.cancel()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        // Refused: the 3xx itself becomes the task's response.
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let head = Self.responseHead(response)
        exchanges.withLock { $0[dataTask.taskIdentifier]?.response = head }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let overflowed = exchanges.withLock { exchanges -> HTTPResponseData? in
            guard exchanges[id]?.append(data, head: dataTask.response) == true else { return nil }
            return exchanges[id]?.response
        }
        if let overflowed {
            // Stop reading: an operator streaming megabytes must not be buffered.
            finish(id, with: .success(overflowed))
            // Not on this (delegate) queue: FoundationNetworking's cancel() waits for
            // the session's work queue, which a fast stream can keep busy, and while
            // this queue waits every chunk still arriving is parked in memory.
            Self.cancelQueue.async { dataTask.cancel() }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        if let error {
            finish(id, with: .failure(Self.failure(for: error)))
            return
        }
        let response = exchanges.withLock { $0[id]?.response }
        if let response {
            finish(id, with: .success(response))
        } else if let head = task.response.map(Self.responseHead) {
            // A refused redirect can complete without a didReceive(response:) callback.
            finish(id, with: .success(head))
        } else {
            finish(id, with: .failure(.other("the request completed without a response")))
        }
    }

    fileprivate static func responseHead(_ response: URLResponse) -> HTTPResponseData {
        guard let http = response as? HTTPURLResponse else {
            return HTTPResponseData(status: 0, body: [])
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return HTTPResponseData(status: http.statusCode, headers: headers, body: [])
    }

    /// Sorts URLSession's errors into the kinds the retry logic distinguishes.
    static func failure(for error: any Error) -> TransportFailure {
        let nsError = error as NSError
        let message = "\(nsError.localizedDescription) (URLError \(nsError.code))"
        guard nsError.domain == NSURLErrorDomain else { return .other(message) }
        switch URLError.Code(rawValue: nsError.code) {
        case .timedOut:
            return .timeout
        case .cannotConnectToHost, .networkConnectionLost, .cannotFindHost, .notConnectedToInternet,
             .dnsLookupFailed, .badServerResponse:
            return .connection(message)
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
             .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid,
             .clientCertificateRejected, .clientCertificateRequired:
            return .tls(message)
        default:
            // FoundationNetworking passes some of libcurl's TLS failures on as an
            // unknown error (-1) with curl's own text, e.g. "SSL certificate problem".
            let text = nsError.localizedDescription
            if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") { return .tls(message) }
            return .other(message)
        }
    }
}
