import CCurl
import Foundation
import Synchronization
import JackpotDelivery
import JackpotWire

/// The baseline for dispatch throughput: a minimal libcurl-multi loop on one
/// thread of its own, `concurrency` easy handles each posting the next body as
/// soon as its previous call answered, with the same connection limit the
/// daemon's transport gets (no database, no continuation, no body cap).
enum BareCurlLoop {
    /// Posts every request once; returns the wall time and how many did not answer 200.
    /// `caFile`: the CA to trust for https (curl's defaults otherwise, as any libcurl client gets).
    static func post(
        _ requests: [HTTPRequestData], concurrency: Int, timeoutSeconds: Double, caFile: String? = nil
    ) async -> (Duration, failures: Int) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: run(requests, concurrency: concurrency, timeoutSeconds: timeoutSeconds, caFile: caFile))
            }
            thread.name = "bare-curl-loop"
            thread.start()
        }
    }

    private static func run(
        _ requests: [HTTPRequestData], concurrency: Int, timeoutSeconds: Double, caFile: String?
    ) -> (Duration, failures: Int) {
        _ = curl_global_init(Int(CURL_GLOBAL_ALL))
        guard let multi = curl_multi_init() else { return (.zero, requests.count) }
        defer { curl_multi_cleanup(multi) }
        _ = jk_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, concurrency)
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in (requests.first?.headers ?? []) { headers = curl_slist_append(headers, "\(header.name): \(header.value)") }
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        let handles = (0..<max(1, min(concurrency, requests.count))).compactMap { _ in curl_easy_init() }
        defer { for handle in handles { curl_easy_cleanup(handle) } }

        var next = 0
        var finished = 0
        var failures = 0
        func launch(_ easy: UnsafeMutableRawPointer) {
            let request = requests[next]
            next += 1
            _ = jk_easy_setopt_string(easy, CURLOPT_URL, request.url)
            _ = jk_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
            _ = jk_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeoutSeconds * 1000))
            _ = jk_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
            if let caFile { _ = jk_easy_setopt_string(easy, CURLOPT_CAINFO, caFile) }
            _ = jk_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBufferPointer { bytes in
                _ = jk_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
            }
            _ = jk_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION) { _, size, count, _ in size * count }
            curl_multi_add_handle(multi, easy)
        }
        let start = ContinuousClock.now
        for easy in handles { launch(easy) }
        while finished < requests.count {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var status = 0
                _ = jk_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
                if jk_msg_result(message) != CURLE_OK || status != 200 { failures += 1 }
                finished += 1
                curl_multi_remove_handle(multi, easy)
                if next < requests.count { launch(easy) }
            }
            if finished < requests.count { curl_multi_poll(multi, nil, 0, 1000, nil) }
        }
        return (ContinuousClock.now - start, failures)
    }

    /// The transport baseline: the same loop through `CurlTransport.send`
    /// (deadline task, delegate, body cap), still without a database.
    static func postThroughTransport(_ requests: [HTTPRequestData], concurrency: Int, timeoutSeconds: Double) async -> (
        Duration, failures: Int
    ) {
        let transport = CurlTransport(maximumConnectionsPerHost: concurrency)
        defer { transport.shutdown() }
        return await postInLoops(requests.count, concurrency: concurrency, on: transport.callExecutor) { index in
            if case .success(let response) = await transport.send(requests[index], timeoutSeconds: timeoutSeconds) {
                return response.status == 200
            }
            return false
        }
    }

    /// `concurrency` loops taking request indexes in turn until all `count` are
    /// posted; the wall time and how many `post` calls did not answer 200. The
    /// loops run on `executor` (the transport's, as the dispatcher's calls do).
    private static func postInLoops(
        _ count: Int, concurrency: Int, on executor: (any TaskExecutor)?, _ post: @escaping @Sendable (Int) async -> Bool
    ) async -> (Duration, failures: Int) {
        let cursor = Cursor()
        let (failures, elapsed) = await timedAsync {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<concurrency {
                    group.addTask(executorPreference: executor) {
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

    /// Hands out request indexes to the loops.
    private final class Cursor: Sendable {
        private let position = Atomic<Int>(0)

        func next(below count: Int) -> Int? {
            let index = position.add(1, ordering: .relaxed).oldValue
            return index < count ? index : nil
        }
    }
}
