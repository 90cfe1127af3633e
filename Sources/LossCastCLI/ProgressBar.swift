// A one-line progress bar on standard error, drawn only when it is a terminal.
import Foundation

final class ProgressBar {
    let total: Int
    let label: String
    let enabled = isatty(2) == 1
    let start = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    /// `detail` is shown whole up to 60 characters; longer, its end (a path's file name) is kept.
    func update(_ done: Int, detail: String = "") {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = Date()
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = Date().timeIntervalSince(start)
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r%@ [%@] %3.0f%%  %.0fs left  %@", label, bar, fraction * 100, left, String(detail.suffix(60)))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// A progress bar several threads update (the bootstrap's workers).
final class LockedProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let bar: ProgressBar
    init(_ bar: ProgressBar) { self.bar = bar }
    func update(_ done: Int, detail: String = "") { lock.withLock { bar.update(done, detail: detail) } }
    func finish() { lock.withLock { bar.finish() } }
}
