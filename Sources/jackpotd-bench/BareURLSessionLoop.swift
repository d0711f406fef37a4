import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JackpotKit
import Synchronization

/// The baseline for dispatch throughput: `concurrency` loops posting the
/// requests' bodies through one plain URLSession (completion handlers, no
/// delegate, no deadline, no database), with the same connection limit the
/// daemon's transport gets.
enum BareURLSessionLoop {
    /// Posts every request once; returns the wall time and how many did not answer 200.
    static func post(_ requests: [HTTPRequestData], concurrency: Int, timeoutSeconds: Double) async -> (Duration, failures: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = concurrency
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        // Parsed once, as any client would; each call builds its request like a client must.
        let urls = Dictionary(requests.map { ($0.url, URL(string: $0.url)!) }, uniquingKeysWith: { first, _ in first })
        return await postInLoops(requests.count, concurrency: concurrency) { index in
            let request = requests[index]
            var urlRequest = URLRequest(url: urls[request.url]!)
            urlRequest.httpMethod = request.method
            urlRequest.timeoutInterval = timeoutSeconds
            for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
            urlRequest.httpBody = Data(request.body)
            return await send(urlRequest, on: session)
        }
    }

    /// The transport baseline: the same loop through `CurlTransport.send`
    /// (deadline task, delegate, body cap), still without a database.
    static func postThroughTransport(_ requests: [HTTPRequestData], concurrency: Int, timeoutSeconds: Double) async -> (Duration, failures: Int) {
        let transport = CurlTransport(maximumConnectionsPerHost: concurrency)
        defer { transport.shutdown() }
        return await postInLoops(requests.count, concurrency: concurrency) { index in
            if case .success(let response) = await transport.send(requests[index], timeoutSeconds: timeoutSeconds) {
                return response.status == 200
            }
            return false
        }
    }

    /// `concurrency` loops taking request indexes in turn until all `count` are
    /// posted; the wall time and how many `post` calls did not answer 200.
    private static func postInLoops(
        _ count: Int, concurrency: Int, _ post: @escaping @Sendable (Int) async -> Bool
    ) async -> (Duration, failures: Int) {
        let cursor = Cursor()
        let (failures, elapsed) = await timedAsync {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        var failed = 0
                        while let index = cursor.next(below: count) {
                            if await !post(index) { failed += 1 }
                        }
                        return failed
                    }
                }
                return await group.reduce(0, +)
            }
        }
        return (elapsed, failures)
    }

    private static func send(_ request: URLRequest, on session: URLSession) async -> Bool {
        await withCheckedContinuation { continuation in
            session.dataTask(with: request) { _, response, error in
                continuation.resume(returning: error == nil && (response as? HTTPURLResponse)?.statusCode == 200)
            }.resume()
        }
    }

    /// Hands out request indexes to the loops.
    private final class Cursor: Sendable {
        private let position = Atomic<Int>(0)

        func next(below count: Int) -> Int? {
            let index = position.add(1, ordering: .relaxed).oldValue
            return index < count ? index : nil
        }
    }
}
