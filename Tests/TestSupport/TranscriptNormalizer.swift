import Foundation

/// Puts placeholders in place of what differs between two real runs of the
/// same command, so the documentation's transcripts can be compared with what the binary
/// prints now. Applied to both sides, the page's text and actual output.
///
/// Only tokens a run cannot reproduce are replaced, each by a rule of its own:
/// times (`2026-12-02T06:42:06.752Z`, `2026-12-02 06:42:18Z`,
/// `20261202T061720Z`), a daemon's id (`vm:10665:1d7xndo:…`) and the host and pid
/// of a daemon's row, loopback ports, durations (`duration_ms=0.6`, `3.6 s`,
/// `after 0 ms`, an attempt's ms column), ages in a table cell (`4s`,
/// `7s ago`, `1m05s`), `oldestPendingAgeSeconds`, and the demo's directory.
/// Then runs of spaces (table padding, which follows the width of those
/// tokens) become two spaces and trailing spaces go. Everything else — words,
/// counts, states, columns, amounts, line order, the number of lines — is
/// compared as printed, so a transcript that differs in content still differs
/// after normalising.
package enum TranscriptNormalizer {
    /// Each rule: a pattern and its replacement template, applied in order.
    /// Times first, so the daemon-id and age rules never see a clock's colons.
    static let rules: [(NSRegularExpression, String)] = [
        (#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"#, "<time>"),
        (#"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z"#, "<time>"),
        (#"\d{8}T\d{6}Z"#, "<time>"),
        // host:pid:random[:boot id:pid namespace], as `event=start daemon=…` and leases name a daemon.
        (#"[A-Za-z0-9._-]+:\d+:[0-9a-z]{4,}(:[0-9a-z-]+)*"#, "<daemon>"),
        // A row of status's Daemons table: state, host, pid.
        (#"(?m)^(\s+)(live|VANISHED)(\s+)\S+(\s+)\d+"#, "$1$2$3<host>$4<pid>"),
        (#"process \d+ is gone"#, "process <pid> is gone"),
        (#"127\.0\.0\.1:\d+"#, "127.0.0.1:<port>"),
        (#"127\.0\.0\.1 port \d+"#, "127.0.0.1 port <port>"),
        (#"duration_ms=[0-9.]+"#, "duration_ms=<ms>"),
        (#"\b\d+(\.\d+)? (ms|s|milliseconds)\b"#, "<duration>"),
        // The ms column of show's attempts, right after the attempt's time.
        (#"<time>(\s+)\d+(?=\s)"#, "<time>$1<ms>"),
        // An age alone in a table cell (padded by two spaces), or "… ago" there.
        (#"(?m)(?<=  )\d+[smhd](\d{2}[smh])?(?= ago|  |$)"#, "<age>"),
        (#""oldestPendingAgeSeconds":\d+"#, #""oldestPendingAgeSeconds":<age>"#),
        (#"jackpotd-demo-\d+-\d+"#, "jackpotd-demo-<id>"),
        // Padding last: columns widen with the tokens above.
        (#" {2,}"#, "  "),
        (#"(?m) +$"#, ""),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// `text` with every volatile token replaced.
    package static func normalize(_ text: String) -> String {
        var result = text
        for (pattern, template) in rules {
            result = pattern.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }
}
