import Foundation
import GRDB

/// Per-stage counts and the failure table, as `t2i status` prints them.
public struct LedgerStatus: Sendable, Codable, Equatable {
    public struct SplitCounts: Sendable, Codable, Equatable {
        public var images = 0
        public var captions = 0
        public var pending = 0
        public var done = 0
        public var failed = 0
        public var encodedCaptions = 0
        public var sharded = 0
        public init() {}
    }
    public var splits: [String: SplitCounts] = [:]
    /// Failure or rejection reason -> count, over both splits.
    public var failures: [String: Int] = [:]
    /// Stage name -> "done" or "running", with its configuration hash.
    public var stages: [String: String] = [:]
    public init() {}
}

extension Ledger {
    public func status() throws -> LedgerStatus {
        try read { db in
            var status = LedgerStatus()
            for row in try Row.fetchAll(db, sql: "SELECT split, download_state, count(*) AS n, count(shard) AS s FROM image GROUP BY split, download_state") {
                let split: String = row["split"], state: String = row["download_state"], count: Int = row["n"]
                var counts = status.splits[split] ?? .init()
                counts.images += count
                counts.sharded += row["s"] as Int
                switch state {
                case "done": counts.done += count
                case "failed": counts.failed += count
                default: counts.pending += count
                }
                status.splits[split] = counts
            }
            for row in try Row.fetchAll(db, sql: "SELECT split, count(*) AS n FROM caption GROUP BY split") {
                status.splits[row["split"], default: .init()].captions = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT c.split AS split, count(*) AS n FROM caption_vector v JOIN caption c ON c.id = v.id GROUP BY c.split") {
                status.splits[row["split"], default: .init()].encodedCaptions = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) AS n FROM image WHERE download_state = 'failed' GROUP BY reason") {
                status.failures[row["reason"] ?? "unknown"] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, state, config_hash FROM stage") {
                status.stages[row["name"]] = "\(row["state"] as String) (\(String((row["config_hash"] as String).prefix(12))))"
            }
            return status
        }
    }
}

extension Ledger {
    /// Every image's state and reason, by key: what the failure table summarises.
    public func imageStates() throws -> [Int64: (state: String, reason: String?, attempts: Int)] {
        try read { db in
            var states: [Int64: (String, String?, Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, download_state, reason, attempts FROM image") {
                states[row["id"]] = (row["download_state"], row["reason"], row["attempts"])
            }
            return states
        }
    }
}
