import Foundation
import Synchronization

/// Reports a stage's progress: on a terminal, one live line rewritten in place (done/total,
/// images per second, ETA, failures by reason); off a terminal, a plain line every few seconds.
public final class ProgressReporter: Sendable {
    public let stage: String
    public let total: Int
    private let live: Bool
    private let interval: Double
    private let state = Mutex(State())

    private struct State {
        var done = 0
        var failures: [String: Int] = [:]
        var started = Date()
        var lastPrint = Date.distantPast
    }

    public init(stage: String, total: Int, live: Bool = isatty(STDERR_FILENO) == 1, interval: Double? = nil) {
        self.stage = stage
        self.total = total
        self.live = live
        self.interval = interval ?? (live ? 0.25 : 5)
    }

    /// Counts one finished item (`failure` is its reason when it did not succeed).
    public func advance(failure: String? = nil) {
        let line: String? = state.withLock { state in
            state.done += 1
            if let failure { state.failures[failure, default: 0] += 1 }
            let now = Date()
            guard now.timeIntervalSince(state.lastPrint) >= interval else { return nil }
            state.lastPrint = now
            return render(state, now: now)
        }
        if let line { emit(line, final: false) }
    }

    /// Prints the last line for the stage.
    public func finish() {
        let line = state.withLock { render($0, now: Date()) }
        emit(line, final: true)
    }

    private func render(_ state: State, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(state.started), 1e-3)
        let rate = Double(state.done) / elapsed
        let remaining = rate > 0 ? Double(total - state.done) / rate : 0
        var text = "\(stage): \(state.done)/\(total) \(String(format: "%.0f", rate))/s ETA \(Self.clock(remaining))"
        if !state.failures.isEmpty {
            text += " | failed: " + state.failures.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return text
    }

    private func emit(_ line: String, final: Bool) {
        let text = live ? "\r\u{1B}[2K" + line + (final ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total % 3600 / 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
