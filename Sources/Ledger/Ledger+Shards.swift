import Foundation
import GRDB

/// One accepted image with what the shard writer needs, as the ledger holds it.
public struct LedgerImage: Sendable {
    public let id: Int64
    /// The row of the image in its source file.
    public let row: Int
    public let url: String
    public let pixels: [UInt8]
    /// Up to `maxCaptions` captions, in caption-row order: token ids and the encoder's vector.
    public let captions: [(tokens: [UInt16], vector: [Float])]
}

extension Ledger {
    /// Visits every accepted image of `split` in ascending row order with its captions, streaming
    /// from two cursors so memory holds one image at a time.
    public func forEachAcceptedImage(split: String, maxCaptions: Int, _ body: (LedgerImage) throws -> Void) throws {
        let low = Ledger.key(split: split, row: 0), high = low + (Int64(1) << 32)
        try read { db in
            let images = try Row.fetchCursor(db, sql: """
                SELECT i.id, i.row, i.url, p.data FROM image i JOIN pixels p ON p.id = i.id
                WHERE i.id >= ? AND i.id < ? AND i.download_state = 'done' ORDER BY i.id
                """, arguments: [low, high])
            let captions = try Row.fetchCursor(db, sql: """
                SELECT c.image_id, c.tokens, v.vector FROM caption c LEFT JOIN caption_vector v ON v.id = c.id
                WHERE c.id >= ? AND c.id < ? ORDER BY c.image_id, c.id
                """, arguments: [low, high])
            var pending: Row? = try captions.next()
            while let image = try images.next() {
                let id: Int64 = image["id"]
                var found: [(tokens: [UInt16], vector: [Float])] = []
                while let caption = pending, (caption["image_id"] as Int64) <= id {
                    if (caption["image_id"] as Int64) == id && found.count < maxCaptions {
                        let tokens: Data = caption["tokens"]
                        let vector: Data? = caption["vector"]
                        found.append((tokens.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }.map(UInt16.init(littleEndian:)),
                                      vector.map { data in data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } } ?? []))
                    }
                    pending = try captions.next()
                }
                let pixels: Data = image["data"]
                try body(LedgerImage(id: id, row: image["row"], url: image["url"], pixels: [UInt8](pixels), captions: found))
            }
        }
    }

    /// Records which shard each image went to (and clears the assignment of every other image).
    public func assignShards(_ assignments: [(id: Int64, shard: Int)], split: String) throws {
        let low = Ledger.key(split: split, row: 0), high = low + (Int64(1) << 32)
        try write { db in
            try db.execute(sql: "UPDATE image SET shard = NULL WHERE id >= ? AND id < ?", arguments: [low, high])
            let update = try db.makeStatement(sql: "UPDATE image SET shard = ? WHERE id = ?")
            for assignment in assignments { try update.execute(arguments: [assignment.shard, assignment.id]) }
        }
    }

    /// The splits present in the ledger.
    public func splits() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT split FROM image ORDER BY split DESC") }
    }
}
