import Foundation
import GRDB

/// What became of one image in the download stage (fetch, filter and resize).
public struct ImageOutcome: Sendable {
    public enum State: String, Sendable { case done, failed }
    public let id: Int64
    public let state: State
    /// Failure or rejection reason (`http_404`, `grayscale`, ...); nil when done.
    public let reason: String?
    /// Whether a later `--retry-failed` run should try again.
    public let transient: Bool
    public let attempts: Int
    public let httpStatus: Int
    public let bytes: Int
    public let milliseconds: Int
    public let width: Int?
    public let height: Int?
    public let scale: String?
    /// The resized RGB pixels of an accepted image.
    public let pixels: [UInt8]?

    public init(id: Int64, state: State, reason: String?, transient: Bool, attempts: Int, httpStatus: Int, bytes: Int,
                milliseconds: Int, width: Int? = nil, height: Int? = nil, scale: String? = nil, pixels: [UInt8]? = nil) {
        self.id = id
        self.state = state
        self.reason = reason
        self.transient = transient
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.bytes = bytes
        self.milliseconds = milliseconds
        self.width = width
        self.height = height
        self.scale = scale
        self.pixels = pixels
    }
}

extension Ledger {
    /// Replaces the images and captions of `split` (the captions stage).
    /// - Parameters:
    ///   - urls: the URL of each image row.
    ///   - captionImageRows: the zero-based image row of each caption.
    ///   - tokens: `captionImageRows.count * 17` token ids.
    public func replaceSplit(_ split: String, urls: [String], captionImageRows: [Int32], tokens: [Int32], width: Int) throws {
        try write { db in
            let low = Ledger.key(split: split, row: 0), high = low + (Int64(1) << 32)
            try db.execute(sql: "DELETE FROM caption_vector WHERE id >= ? AND id < ?", arguments: [low, high])
            try db.execute(sql: "DELETE FROM caption WHERE id >= ? AND id < ?", arguments: [low, high])
            try db.execute(sql: "DELETE FROM pixels WHERE id >= ? AND id < ?", arguments: [low, high])
            try db.execute(sql: "DELETE FROM image WHERE id >= ? AND id < ?", arguments: [low, high])
            let insertImage = try db.makeStatement(sql: "INSERT INTO image(id, split, row, url) VALUES (?, ?, ?, ?)")
            for (row, url) in urls.enumerated() {
                try insertImage.execute(arguments: [low + Int64(row), split, row, url])
            }
            let insertCaption = try db.makeStatement(sql: "INSERT INTO caption(id, split, row, image_id, tokens) VALUES (?, ?, ?, ?, ?)")
            for (row, image) in captionImageRows.enumerated() {
                var blob = Data(count: width * 2)
                blob.withUnsafeMutableBytes { raw in
                    for column in 0..<width {
                        raw.storeBytes(of: UInt16(truncatingIfNeeded: tokens[row * width + column]).littleEndian,
                                       toByteOffset: column * 2, as: UInt16.self)
                    }
                }
                try insertCaption.execute(arguments: [low + Int64(row), split, row, low + Int64(image), blob])
            }
        }
    }

    /// Images whose download is still to do: pending ones, and with `retryFailed` those that
    /// failed for a transient reason in an earlier run.
    public func pendingDownloads(retryFailed: Bool = false) throws -> [(id: Int64, url: String)] {
        try read { db in
            let condition = retryFailed ? "download_state = 'pending' OR (download_state = 'failed' AND transient = 1)" : "download_state = 'pending'"
            return try Row.fetchAll(db, sql: "SELECT id, url FROM image WHERE \(condition) ORDER BY id").map { ($0["id"], $0["url"]) }
        }
    }

    /// Puts every image back to pending (the stage's configuration changed).
    public func resetDownloads() throws {
        try write { db in
            try db.execute(sql: "DELETE FROM pixels")
            try db.execute(sql: """
                UPDATE image SET download_state = 'pending', reason = NULL, transient = 0, attempts = 0, http_status = NULL,
                bytes = NULL, millis = NULL, width = NULL, height = NULL, scale = NULL, shard = NULL
                """)
        }
    }

    /// Records a batch of outcomes in one transaction.
    public func record(_ outcomes: [ImageOutcome]) throws {
        guard !outcomes.isEmpty else { return }
        try write { db in
            let update = try db.makeStatement(sql: """
                UPDATE image SET download_state = ?, reason = ?, transient = ?, attempts = attempts + ?, http_status = ?,
                bytes = ?, millis = ?, width = ?, height = ?, scale = ?, updated = ? WHERE id = ?
                """)
            let insertPixels = try db.makeStatement(sql: "INSERT OR REPLACE INTO pixels(id, data) VALUES (?, ?)")
            let now = Date().timeIntervalSince1970
            for outcome in outcomes {
                try update.execute(arguments: [outcome.state.rawValue, outcome.reason, outcome.transient, outcome.attempts,
                                               outcome.httpStatus, outcome.bytes, outcome.milliseconds, outcome.width,
                                               outcome.height, outcome.scale, now, outcome.id])
                if let pixels = outcome.pixels {
                    try insertPixels.execute(arguments: [outcome.id, Data(pixels)])
                }
            }
        }
    }
}
