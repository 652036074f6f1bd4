import Foundation
import GRDB

/// The pipeline's progress in SQLite (WAL mode): every image and caption with its state per stage,
/// each stage run with its configuration hash, and shard assignments. It is the single source of
/// truth for `t2i status`, for resuming, and for the final summary.
///
/// Writes happen in transactions, so a `kill -9` loses at most the items of the batch being
/// written, which stay pending and are redone.
public final class Ledger: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    /// - Throws: `LedgerError` naming the file when it is not a ledger or cannot be opened.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw LedgerError(path: path, message: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE stage (
                    name TEXT PRIMARY KEY,
                    config_hash TEXT NOT NULL,
                    state TEXT NOT NULL,              -- running | done
                    updated REAL NOT NULL
                );
                CREATE TABLE stage_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    stage TEXT NOT NULL,
                    config_hash TEXT NOT NULL,
                    config TEXT NOT NULL,
                    started REAL NOT NULL,
                    finished REAL,
                    outcome TEXT,                      -- done | interrupted | failed
                    summary TEXT
                );
                CREATE TABLE image (
                    id INTEGER PRIMARY KEY,            -- split * 2^32 + row
                    split TEXT NOT NULL,
                    row INTEGER NOT NULL,              -- row of *_url in the source file
                    url TEXT NOT NULL,
                    download_state TEXT NOT NULL DEFAULT 'pending',   -- pending | done | failed
                    reason TEXT,                       -- failure or rejection reason
                    transient INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    http_status INTEGER,
                    bytes INTEGER,
                    millis INTEGER,
                    width INTEGER,
                    height INTEGER,
                    scale TEXT,
                    shard INTEGER,
                    updated REAL
                );
                CREATE INDEX image_state ON image(download_state);
                CREATE TABLE pixels (
                    id INTEGER PRIMARY KEY REFERENCES image(id),
                    data BLOB NOT NULL
                );
                CREATE TABLE caption (
                    id INTEGER PRIMARY KEY,            -- split * 2^32 + row
                    split TEXT NOT NULL,
                    row INTEGER NOT NULL,
                    image_id INTEGER NOT NULL,
                    tokens BLOB NOT NULL               -- 17 little-endian uint16
                );
                CREATE INDEX caption_image ON caption(image_id);
                CREATE TABLE caption_vector (
                    id INTEGER PRIMARY KEY REFERENCES caption(id),
                    vector BLOB NOT NULL               -- little-endian float32
                );
                """)
        }
        return migrator
    }

    /// The key of image or caption `row` of `split`.
    public static func key(split: String, row: Int) -> Int64 {
        (split == "test" ? Int64(1) << 32 : 0) + Int64(row)
    }
}

/// A ledger file that cannot be opened or written.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): ledger: \(message)" }
}
