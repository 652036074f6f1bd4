import Foundation
import GRDB

/// The last configuration a stage completed with, or is running with.
public struct StageState: Sendable, Equatable {
    public let name: String
    public let configHash: String
    public let done: Bool
}

extension Ledger {
    /// The recorded state of stage `name`, if it ever ran.
    public func stage(_ name: String) throws -> StageState? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT name, config_hash, state FROM stage WHERE name = ?", arguments: [name]).map {
                StageState(name: $0["name"], configHash: $0["config_hash"], done: ($0["state"] as String) == "done")
            }
        }
    }

    /// Records the start of a run of `name` with `configHash`; returns the run id.
    public func beginStage(_ name: String, configHash: String, config: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO stage(name, config_hash, state, updated) VALUES (?, ?, 'running', ?)
                ON CONFLICT(name) DO UPDATE SET config_hash = excluded.config_hash, state = 'running', updated = excluded.updated
                """, arguments: [name, configHash, Date().timeIntervalSince1970])
            try db.execute(sql: "INSERT INTO stage_run(stage, config_hash, config, started) VALUES (?, ?, ?, ?)",
                           arguments: [name, configHash, config, Date().timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Records how a run ended; `done` marks the stage complete for its configuration.
    public func finishStage(_ name: String, run: Int64, outcome: String, summary: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE stage_run SET finished = ?, outcome = ?, summary = ? WHERE id = ?",
                           arguments: [Date().timeIntervalSince1970, outcome, summary, run])
            if outcome == "done" {
                try db.execute(sql: "UPDATE stage SET state = 'done', updated = ? WHERE name = ?",
                               arguments: [Date().timeIntervalSince1970, name])
            }
        }
    }

    /// Forgets that stages `names` completed, so that they run again.
    public func invalidate(_ names: [String]) throws {
        try write { db in
            for name in names {
                try db.execute(sql: "UPDATE stage SET state = 'running', config_hash = '' WHERE name = ?", arguments: [name])
            }
        }
    }

    /// Every run, oldest first: (stage, hash, outcome, summary).
    public func runs() throws -> [(stage: String, configHash: String, outcome: String?, summary: String?)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT stage, config_hash, outcome, summary FROM stage_run ORDER BY id").map {
                ($0["stage"], $0["config_hash"], $0["outcome"], $0["summary"])
            }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw LedgerError(path: path, message: "\(error)") }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw LedgerError(path: path, message: "\(error)") }
    }
}
