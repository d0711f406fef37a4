import CCurl
import Foundation
import JackpotTelemetry
import JackpotWire

/// The one thread that drives libcurl: it owns the multi handle and every easy
/// handle, starts the requests callers post through the mailbox, runs
/// `curl_multi_perform`, hands finished transfers back to their callers, and
/// otherwise sleeps in `curl_multi_poll` until a socket, a curl timer or
/// `curl_multi_wakeup` needs it. Nothing here runs on the Swift cooperative
/// pool, so no answer, however slow or large, can hold up other tasks. The
/// calls themselves run here too, between passes (`CurlLoopExecutor`).
final class CurlMultiLoop {
    private let multi: UnsafeMutableRawPointer
    private let mailbox: CurlMailbox
    private let executor: CurlLoopExecutor
    private let pool: CurlEasyHandlePool
    private let headerLists = CurlHeaderLists()
    private let connections: CurlConnectionSettings
    /// Keyed by easy handle: keeps each exchange alive while curl may call back into it.
    private var active: [UnsafeMutableRawPointer: CurlExchange] = [:]
    private var handleByID: [UInt64: UnsafeMutableRawPointer] = [:]

    /// Longest sleep in `curl_multi_poll` when nothing is due; curl shortens it to its own next timer.
    static let idlePollMilliseconds: Int32 = 60_000

    private init(
        multi: UnsafeMutableRawPointer, mailbox: CurlMailbox, executor: CurlLoopExecutor, idleHandles: Int,
        connections: CurlConnectionSettings
    ) {
        self.multi = multi
        self.mailbox = mailbox
        self.executor = executor
        self.connections = connections
        pool = CurlEasyHandlePool(capacity: idleHandles)
    }

    /// Starts the thread; `finished` is left once the loop has released every handle.
    static func start(
        multi: CurlMultiHandle, mailbox: CurlMailbox, executor: CurlLoopExecutor, idleHandles: Int,
        connections: CurlConnectionSettings, finished: DispatchGroup
    ) {
        finished.enter()
        Thread {
            ThreadName.setCurrent("jackpotd.curl")
            CurlMultiLoop(
                multi: multi.raw, mailbox: mailbox, executor: executor, idleHandles: idleHandles, connections: connections
            ).run()
            finished.leave()
        }.start()
    }

    private func run() {
        let shutDown = HTTPExchangeResult.failure(.other("the transport was shut down"))
        mailbox.loopStarted()
        while true {
            // Calls resumed by the last pass: the requests they post are taken just below.
            executor.runQueued()
            let (jobs, cancels, stopping) = mailbox.take()
            if stopping {
                // Posted in the same pass as the stop: taken from the mailbox, so ended here.
                for job in jobs { job.continuation.resume(returning: shutDown) }
                break
            }
            for job in jobs { start(job) }
            for id in cancels { end(id, with: .failure(.other("cancelled by the caller"))) }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()
            if executor.hasQueued { continue }
            curl_multi_poll(multi, nil, 0, Self.idlePollMilliseconds, nil)
        }
        for id in Array(handleByID.keys) { end(id, with: shutDown) }
        for job in mailbox.close() { job.continuation.resume(returning: shutDown) }
        executor.loopEnded()
        curl_multi_cleanup(multi)
        pool.drain()
        headerLists.drain()
    }

    private func start(_ job: CurlJob) {
        guard let handle = pool.take() else {
            job.continuation.resume(returning: .failure(.other("libcurl could not create a handle")))
            return
        }
        let exchange = CurlExchange(job: job, handle: handle)
        if let failure = exchange.configure(headerLists: headerLists) {
            pool.giveBack(handle)
            job.continuation.resume(returning: .failure(failure))
            return
        }
        connections.apply(toEasy: handle.raw)
        let added = curl_multi_add_handle(multi, handle.raw)
        guard added == CURLM_OK else {
            pool.giveBack(handle)
            let text = String(cString: curl_multi_strerror(added))
            job.continuation.resume(returning: .failure(.other("cannot start the request: \(text)")))
            return
        }
        active[handle.raw] = exchange
        handleByID[job.id] = handle.raw
    }

    /// Hands every transfer curl reports done back to its caller.
    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let exchange = active[easy]
            else { continue }
            // Read the result before removing the handle: the message points into curl's memory.
            let code = jk_msg_result(message)
            finish(exchange, with: exchange.result(code))
        }
    }

    /// Ends request `id` early (cancelled, or the loop is stopping); nothing if it already finished.
    private func end(_ id: UInt64, with result: HTTPExchangeResult) {
        guard let easy = handleByID[id], let exchange = active[easy] else { return }
        finish(exchange, with: result)
    }

    private func finish(_ exchange: CurlExchange, with result: HTTPExchangeResult) {
        let easy = exchange.handle.raw
        curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        handleByID[exchange.job.id] = nil
        pool.giveBack(exchange.handle)
        exchange.job.continuation.resume(returning: result)
    }
}
