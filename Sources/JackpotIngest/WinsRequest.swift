import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// A `POST /v1/wins` body turned into wins to store and verdicts on the rest,
/// with the same parser and checks as `enqueue`, so a win the CLI would refuse
/// is refused here with the same words.
package enum WinsRequest {
    /// `Content-Type`, without parameters such as `; charset=utf-8`.
    package enum Kind: Sendable, Equatable {
        /// One win as a JSON object.
        case single
        /// JSON Lines: one win per line.
        case batch

        package init?(contentType: String?) {
            guard var contentType else { return nil }
            guard let kind = contentType.withUTF8({ Kind(contentType: $0) }) else { return nil }
            self = kind
        }

        /// From the header's bytes where libmicrohttpd keeps them, compared
        /// without a copy: this runs on libmicrohttpd's one thread for every post.
        package init?(contentType bytes: UnsafeBufferPointer<UInt8>) {
            var start = 0
            var end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            let media = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if equalsIgnoringASCIICase(media, "application/json") {
                self = .single
            } else if equalsIgnoringASCIICase(media, "application/x-ndjson") {
                self = .batch
            } else {
                return nil
            }
        }
    }

    /// One line of a batch (the whole body for a single win) before the write.
    package struct Line: Sendable {
        package var number: Int
        package var reference: String?
        package var verdict: Verdict
    }

    package enum Verdict: Sendable {
        /// Valid and allowed: to be stored.
        case store(NewWin)
        /// Not a valid win; the reason is `enqueue`'s.
        case invalid(String)
        /// A valid win of an operator this token may not post for.
        case forbidden(String)
        /// Not JSON, or not an object: malformed rather than invalid.
        case malformed(String)
    }

    /// Judges one line (or a single-win body) without touching the outbox.
    package static func judge(
        _ bytes: some Collection<UInt8>, number: Int, now: Int64, token: IngestToken, admission: WinAdmission
    ) -> Line {
        guard bytes.count <= WinLineParser.maxLineBytes else {
            return Line(
                number: number, reference: nil,
                verdict: .invalid(
                    "line is \(bytes.count) bytes, longer than the \(WinLineParser.maxLineBytes)-byte limit"))
        }
        let object: JSONObject
        do {
            guard case .object(let parsed) = try JSONValue.parse(bytes) else {
                return Line(number: number, reference: nil, verdict: .malformed("line: must be a JSON object"))
            }
            object = parsed
        } catch {
            return Line(number: number, reference: nil, verdict: .malformed("line: is not valid JSON: \(error)"))
        }
        let reference = object["reference"]?.stringValue
        let newWin: NewWin
        do throws(WinValidationError) {
            newWin = try WinLineParser.parse(object, now: now)
        } catch {
            return Line(number: number, reference: reference, verdict: .invalid(error.description))
        }
        guard token.allows(newWin.win.operatorName) else {
            return Line(
                number: number, reference: reference,
                verdict: .forbidden(
                    "token \(token.name) may not enqueue for operator \"\(newWin.win.operatorName)\""))
        }
        if let refusal = admission.refusal(of: newWin) {
            return Line(number: number, reference: reference, verdict: .invalid(refusal))
        }
        return Line(number: number, reference: reference, verdict: .store(newWin))
    }

    /// The lines of a JSON Lines body, numbered from 1; blank lines are skipped
    /// as `enqueue` skips them. Nil when there are more than `maxLines`.
    package static func splitLines(_ body: [UInt8], maxLines: Int) -> [(number: Int, bytes: ArraySlice<UInt8>)]? {
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        var number = 0
        for var line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            lines.append((number, line))
            if lines.count > maxLines { return nil }
        }
        return lines
    }

    // MARK: Answers

    /// The answer to a single win, once its line is judged and, if valid, stored.
    package static func singleAnswer(_ line: Line, outcome: IngestWriter.Outcome?) -> IngestAnswer {
        let reference: JSONValue = line.reference.map { .string($0) } ?? .null
        switch line.verdict {
        case .malformed(let reason):
            return .error(400, "the body is not one JSON object (\(reason)); send a batch as application/x-ndjson")
        case .invalid(let reason):
            return .json(422, JSONObject(["result": .string("invalid"), "reference": reference, "reason": .string(reason)]))
        case .forbidden(let reason):
            return .json(403, JSONObject(["result": .string("forbidden"), "reference": reference, "reason": .string(reason)]))
        case .store:
            switch outcome {
            case .accepted?: return stored(201, "accepted", reference: line.reference)
            case .duplicate?: return stored(200, "duplicate", reference: line.reference)
            case .conflict(let reason, let fields)?:
                return .json(
                    409,
                    JSONObject([
                        "result": .string("conflict"), "reference": reference, "reason": .string(reason),
                        "fields": .array(fields.map { .string($0) }),
                    ]))
            case nil:
                return .unavailable("the win was not stored; send it again")
            }
        }
    }

    /// `{"result":…,"reference":…}` written straight into bytes: the answer to
    /// nearly every single win, built once per post on the writer's thread,
    /// where a `JSONObject` and its serialization cost several times as much.
    /// The same bytes as `.json(status, JSONObject(["result": …, "reference": …]))`.
    package static func stored(_ status: Int, _ result: StaticString, reference: String?) -> IngestAnswer {
        var body: [UInt8] = []
        body.reserveCapacity(40 + (reference?.utf8.count ?? 4))
        body += #"{"result":""#.utf8
        body += UnsafeBufferPointer(start: result.utf8Start, count: result.utf8CodeUnitCount)
        body += #"","reference":"#.utf8
        if let reference {
            JSONWriter.appendQuoted(reference, to: &body)
        } else {
            body += "null".utf8
        }
        body += "}\n".utf8
        return IngestAnswer(status: status, headers: IngestAnswer.jsonHeaders, body: body)
    }

    /// The answer to a batch: one result per non-blank line, in order, and the counts.
    /// `outcomes` holds one outcome per line whose verdict is `.store`, in order.
    package static func batchAnswer(_ lines: [Line], outcomes: [IngestWriter.Outcome]) -> IngestAnswer {
        var counts: [String: Int] = ["accepted": 0, "duplicate": 0, "conflict": 0, "invalid": 0, "forbidden": 0]
        var remaining = outcomes[...]
        var results: [JSONValue] = []
        results.reserveCapacity(lines.count)
        for line in lines {
            let (result, reason, fields): (String, String?, [String]?)
            switch line.verdict {
            case .malformed(let why), .invalid(let why): (result, reason, fields) = ("invalid", why, nil)
            case .forbidden(let why): (result, reason, fields) = ("forbidden", why, nil)
            case .store:
                switch remaining.popFirst() {
                case .accepted?: (result, reason, fields) = ("accepted", nil, nil)
                case .duplicate?: (result, reason, fields) = ("duplicate", nil, nil)
                case .conflict(let why, let differing)?: (result, reason, fields) = ("conflict", why, differing)
                case nil: preconditionFailure("one outcome per stored line")
                }
            }
            counts[result, default: 0] += 1
            var entry = JSONObject([
                "line": .number(String(line.number)),
                "reference": line.reference.map { .string($0) } ?? .null,
                "result": .string(result),
            ])
            if let reason { entry["reason"] = .string(reason) }
            if let fields { entry["fields"] = .array(fields.map { .string($0) }) }
            results.append(.object(entry))
        }
        return .json(
            200,
            JSONObject([
                "accepted": .number(String(counts["accepted"]!)),
                "duplicate": .number(String(counts["duplicate"]!)),
                "conflict": .number(String(counts["conflict"]!)),
                "invalid": .number(String(counts["invalid"]!)),
                "forbidden": .number(String(counts["forbidden"]!)),
                "results": .array(results),
            ]))
    }
}
