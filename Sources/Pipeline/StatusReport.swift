import Foundation
import Ledger

/// The table `t2i status` and the end of `t2i prepare` print, from the ledger alone.
public struct StatusReport: Sendable {
    public let status: LedgerStatus
    public let ledger: String

    public init(status: LedgerStatus, ledger: String) {
        self.status = status
        self.ledger = ledger
    }

    public var text: String {
        var lines = ["ledger: \(ledger)"]
        for stage in StageName.allCases {
            lines.append("  stage \(stage.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(status.stages[stage.rawValue] ?? "not run")")
        }
        lines.append("  split   images  captions  pending     done   failed  encoded  sharded")
        for (split, counts) in status.splits.sorted(by: { $0.key > $1.key }) {
            lines.append("  " + [split.padding(toLength: 5, withPad: " ", startingAt: 0), pad(counts.images, 8), pad(counts.captions, 9),
                                 pad(counts.pending, 8), pad(counts.done, 8), pad(counts.failed, 8),
                                 pad(counts.encodedCaptions, 8), pad(counts.sharded, 8)].joined(separator: " "))
        }
        if !status.failures.isEmpty {
            lines.append("  failures by reason:")
            for (reason, count) in status.failures.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                lines.append("    \(reason.padding(toLength: 18, withPad: " ", startingAt: 0)) \(pad(count, 8))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = "\(value)"
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
