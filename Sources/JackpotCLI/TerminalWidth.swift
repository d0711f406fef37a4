import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How wide a table may be: `$COLUMNS` when set (scripts and tests set it),
/// else the terminal's own width when standard output is one, else 80.
enum TerminalWidth {
    static func current(_ context: CommandContext) -> Int {
        if let text = context.environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        guard !context.output.isCapturing, isatty(STDOUT_FILENO) == 1 else { return 80 }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
