import Foundation

/// A finished shard folder opened for reading: the manifest, every shard mapped, and the
/// embedding table. Records are numbered 0..<count across shards in manifest order, which is
/// ascending image id.
///
/// Opening checks the manifest against each shard's header (counts, checksums, layout) but
/// reads no records; each record's own checksum is checked when it is read unless the dataset
/// was opened with `checkRecords: false`. Sendable: everything is read-only after opening.
public final class ShardDataset: Sendable {
    public let directory: String
    public let manifest: ShardManifest
    public let shards: [ShardFile]
    /// `vocabulary.count x embeddingDimension` word vectors, widened from float16.
    public let embeddings: [Float]
    public let checkRecords: Bool
    /// `starts[s]` is the global index of shard `s`'s first record; the last entry is `count`.
    private let starts: [Int]

    public var layout: ShardLayout { manifest.layout }
    public var count: Int { starts[starts.count - 1] }

    /// Opens the folder at `directory`.
    /// - Throws: `ShardError` naming the manifest or shard that is missing or does not match.
    public init(directory: String, checkRecords: Bool = true) throws {
        let manifest = try Self.readManifest(directory)
        var shards: [ShardFile] = []
        var starts = [0]
        for entry in manifest.shards {
            let shard = try ShardFile(path: directory + "/" + entry.file)
            if let problem = Self.mismatch(entry, shard, manifest.layout) { throw ShardError(file: entry.file, problem) }
            shards.append(shard)
            starts.append(starts[starts.count - 1] + shard.count)
        }
        self.directory = directory
        self.manifest = manifest
        self.shards = shards
        self.starts = starts
        self.checkRecords = checkRecords
        self.embeddings = try Self.readEmbeddings(directory, manifest)
    }

    /// The shard and the record inside it that global index `index` names.
    /// - Complexity: O(log shards).
    public func location(of index: Int) -> (shard: Int, record: Int) {
        precondition(index >= 0 && index < count, "record \(index) is outside 0..<\(count)")
        let shard = starts.partitioningIndex { $0 > index } - 1
        return (shard, index - starts[shard])
    }

    /// Record `index` read in place.
    /// - Throws: `ShardError` naming the shard and record when its checksum fails.
    public func record(_ index: Int) throws -> ShardRecordView {
        let (shard, record) = location(of: index)
        return try shards[shard].record(record, checked: checkRecords)
    }

    /// Record `index`'s side-table metadata (the source URL and whatever else the writer kept).
    /// - Throws: `ShardError` when the entry is damaged or is not a JSON object of strings.
    public func metadata(_ index: Int) throws -> [String: String] {
        let (shard, record) = location(of: index)
        let bytes = try shards[shard].metadataBytes(record)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String] else {
            throw ShardError(file: shards[shard].name, record: record, "side-table entry is not a JSON object of strings")
        }
        return object
    }

    /// The caption's concatenated GloVe encoding, `encoderTokens x embeddingDimension` values:
    /// slot t holds the vector of the token after <START> at position t+1, or zeros where that
    /// position holds <END> or <NULL> (see docs/shard-format.md).
    public func concatenatedEncoding(_ record: ShardRecordView, caption: Int) -> [Float] {
        let dimension = layout.embeddingDimension
        let tokens = record.tokens(caption: caption)
        var out = [Float](repeating: 0, count: layout.encoderTokens * dimension)
        for t in 0..<layout.encoderTokens {
            let id = Int(tokens[t + 1])
            if id == Int(manifest.specialTokens.end) || id == Int(manifest.specialTokens.null) || id >= manifest.vocabulary.count { continue }
            for d in 0..<dimension { out[t * dimension + d] = embeddings[id * dimension + d] }
        }
        return out
    }

    /// The words of a caption between <START> and <END>.
    public func words(_ record: ShardRecordView, caption: Int) -> [String] {
        let special = manifest.specialTokens
        var words: [String] = []
        for id in record.tokens(caption: caption).dropFirst() {
            if id == special.end || id == special.null { break }
            words.append(Int(id) < manifest.vocabulary.count ? manifest.vocabulary[Int(id)] : "<\(id)>")
        }
        return words
    }

    static func readManifest(_ directory: String) throws -> ShardManifest {
        let path = directory + "/" + ShardManifest.fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError(file: ShardManifest.fileName, "is missing in \(directory) (unfinished or not a shard folder)")
        }
        let manifest: ShardManifest
        do { manifest = try JSONDecoder().decode(ShardManifest.self, from: data) } catch {
            throw ShardError(file: ShardManifest.fileName, "cannot be parsed: \(error)")
        }
        guard manifest.format == ShardManifest.formatName, manifest.version == Int(ShardHeader.version) else {
            throw ShardError(file: ShardManifest.fileName, "is format \(manifest.format) version \(manifest.version), not \(ShardManifest.formatName) \(ShardHeader.version)")
        }
        return manifest
    }

    /// What differs between the manifest's entry for a shard and the shard's header, if anything.
    static func mismatch(_ entry: ShardManifest.Shard, _ shard: ShardFile, _ layout: ShardLayout) -> String? {
        if shard.layout != layout { return "layout differs from the manifest's" }
        if shard.count != entry.records { return "manifest says \(entry.records) records, the shard header says \(shard.count)" }
        if shard.header.fileSize != entry.bytes { return "manifest says \(entry.bytes) bytes, the shard header says \(shard.header.fileSize)" }
        if shard.header.bodyChecksum != entry.crc32c {
            return "manifest says checksum \(hex(entry.crc32c)), the shard header says \(hex(shard.header.bodyChecksum))"
        }
        return nil
    }

    static func readEmbeddings(_ directory: String, _ manifest: ShardManifest) throws -> [Float] {
        let entry = manifest.embeddings
        guard let data = FileManager.default.contents(atPath: directory + "/" + entry.file) else {
            throw ShardError(file: entry.file, "is missing")
        }
        guard entry.rows == manifest.vocabulary.count, entry.dimension == manifest.layout.embeddingDimension,
              entry.bytes == 2 * entry.rows * entry.dimension else {
            throw ShardError(file: ShardManifest.fileName, "embeddings entry (\(entry.rows)x\(entry.dimension), \(entry.bytes) bytes) does not match the vocabulary and layout")
        }
        guard data.count == entry.bytes else {
            throw ShardError(file: entry.file, "is \(data.count) bytes, the manifest says \(entry.bytes)")
        }
        let computed = CRC32C.checksum(data)
        guard computed == entry.crc32c else {
            throw ShardError(file: entry.file, "checksum mismatch (manifest \(hex(entry.crc32c)), computed \(hex(computed)))")
        }
        return data.withUnsafeBytes { raw in
            (0..<entry.rows * entry.dimension).map {
                Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))))
            }
        }
    }
}
