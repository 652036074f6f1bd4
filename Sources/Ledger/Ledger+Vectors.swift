import Foundation
import GRDB

extension Ledger {
    /// Calls `body` with batches of (caption id, 17 token ids as UInt16) in id order, then stores
    /// the vectors `body` returns for each batch, one transaction per batch.
    /// - Parameter dimension: floats per vector.
    public func encodeCaptions(batchSize: Int = 8192, dimension: Int,
                               _ body: (_ ids: [Int64], _ tokens: [UInt16], _ width: Int) throws -> [Float]) throws -> Int {
        try write { db in try db.execute(sql: "DELETE FROM caption_vector") }
        var last: Int64 = -1
        var total = 0
        while true {
            let rows = try read { db in
                try Row.fetchAll(db, sql: "SELECT id, tokens FROM caption WHERE id > ? ORDER BY id LIMIT ?", arguments: [last, batchSize])
            }
            guard let final = rows.last else { break }
            last = final["id"]
            var ids: [Int64] = []
            var tokens: [UInt16] = []
            var width = 0
            for row in rows {
                ids.append(row["id"])
                let blob: Data = row["tokens"]
                width = blob.count / 2
                blob.withUnsafeBytes { raw in
                    for column in 0..<width { tokens.append(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: column * 2, as: UInt16.self))) }
                }
            }
            let vectors = try body(ids, tokens, width)
            precondition(vectors.count == ids.count * dimension, "an encoder returned the wrong number of floats")
            try write { db in
                let insert = try db.makeStatement(sql: "INSERT INTO caption_vector(id, vector) VALUES (?, ?)")
                for (index, id) in ids.enumerated() {
                    let data = vectors[(index * dimension)..<((index + 1) * dimension)].withUnsafeBytes { Data($0) }
                    try insert.execute(arguments: [id, data])
                }
            }
            total += ids.count
        }
        return total
    }
}
