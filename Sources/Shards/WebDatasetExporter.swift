import Foundation
import Imaging

/// Exports a shard folder as WebDataset tar shards, one tar per shard: for each image
/// `KEY.png`, `KEY.txt` (one caption per line) and `KEY.json` (id, URL, captions), where KEY is
/// the image id in nine digits.
public enum WebDatasetExporter {
    /// Writes `OUT/shard-NNNNNN.tar` for each shard of `dataset`; each tar is written under a
    /// temporary name and renamed when complete.
    /// - Returns: the tar files written, in order.
    /// - Throws: `ShardError` for a damaged record or a failed write.
    @discardableResult
    public static func export(_ dataset: ShardDataset, to directory: String) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ShardError(file: directory, "cannot create folder: \(error.localizedDescription)")
        }
        let layout = dataset.layout
        guard layout.channels == 3 else {
            throw ShardError(file: dataset.directory, "WebDataset export writes RGB PNGs; this folder has \(layout.channels) channels")
        }
        var written: [String] = []
        var index = 0
        for (s, shard) in dataset.shards.enumerated() {
            let name = "shard-" + padded(s, width: 6) + ".tar"
            let temporary = directory + "/." + name + ".partial"
            do {
                let tar = try _TarWriter(path: temporary)
                for _ in 0..<shard.count {
                    let record = try dataset.record(index)
                    let metadata = try dataset.metadata(index)
                    let key = key(record.imageID)
                    let captions = (0..<record.captionCount).map { dataset.words(record, caption: $0).joined(separator: " ") }
                    let image = RGBImage(width: layout.imageWidth, height: layout.imageHeight,
                                         pixels: Array(record.pixels.bindMemory(to: UInt8.self)))
                    let png: [UInt8]
                    do { png = try PNGEncoder().encode(image) } catch {
                        throw ShardError(file: temporary, "record \(record.imageID): \(error)")
                    }
                    try tar.add(name: key + ".png", contents: png)
                    try tar.add(name: key + ".txt", contents: Array(captions.joined(separator: "\n").utf8))
                    var fields = ["\"id\":\(record.imageID)", "\"captions\":[" + captions.map(jsonString).joined(separator: ",") + "]"]
                    fields.append("\"url\":" + (metadata["url"].map(jsonString) ?? "null"))
                    try tar.add(name: key + ".json", contents: Array(("{" + fields.joined(separator: ",") + "}").utf8))
                    index += 1
                }
                try tar.finish()
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            try publish(temporary, as: directory + "/" + name, in: directory)
            written.append(directory + "/" + name)
        }
        return written
    }

    /// The sample key of an image: its id in nine digits.
    public static func key(_ imageID: UInt64) -> String {
        padded(imageID, width: 9)
    }
}
