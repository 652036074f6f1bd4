import Foundation

/// Writes a shard folder: fixed-size records cut into shards of `recordsPerShard`, the
/// embedding table, and `manifest.json` last.
///
/// Records are stored in ascending image-id order whatever order they arrive in. Give the
/// writer the ids you plan to write (`plannedImageIDs`) and it holds early arrivals until every
/// smaller planned id has been added or skipped; without a plan, ids must arrive ascending.
/// The output therefore depends only on which images were written, not on timing, so a rerun
/// over the same inputs produces byte-identical shards.
///
/// Crash safety: every file is written under a hidden temporary name, synced and renamed; the
/// writer deletes any old manifest before touching anything else and writes the new one last,
/// so a folder a reader accepts is always a finished one. With `resume`, a run interrupted by a
/// crash keeps the full shards it had finished, provided it was asked to do exactly the same
/// thing (same layout, shard size, plan, vocabulary, embeddings and configuration).
/// Not Sendable: one task owns it.
public final class ShardWriter {
    public static let defaultRecordsPerShard = 4096
    public static let embeddingsFileName = "embeddings.f16"

    /// `shard-00000.t2is`, `shard-00001.t2is`, ...
    public static func shardFileName(_ index: Int) -> String {
        "shard-" + padded(index, width: 5) + ".t2is"
    }

    public let directory: String
    public let layout: ShardLayout
    public let recordsPerShard: Int
    let vocabulary: [String]
    let embeddings: [Float]
    let specialTokens: ShardManifest.SpecialTokens
    let configuration: [String: String]
    let plan: [UInt64]?
    var planPosition = 0
    private var pending: [UInt64: (record: [UInt8], metadata: [UInt8])?] = [:]
    var lastWritten: UInt64?
    private var current: _ShardFileWriter?
    var finished: [ShardManifest.Shard] = []
    /// After a resume, the last image id already in a kept shard: adding or skipping this id or
    /// any smaller one is ignored, so the pipeline may replay its work from the start (or ask
    /// here and save the downloads).
    public internal(set) var resumedThrough: UInt64?

    /// Prepares `directory`, removing a previous run's manifest and (unless resuming) its shards.
    /// - Parameters:
    ///   - vocabulary: the word of each token id; token ids in records must be below its count.
    ///   - embeddings: `vocabulary.count x layout.embeddingDimension` word vectors, row-major; stored
    ///     as float16 so readers can rebuild each caption's concatenated encoding from its token ids.
    ///   - configuration: the pipeline's settings, flattened to strings, for the manifest.
    ///   - plannedImageIDs: every id that will be added or skipped, strictly ascending, or nil.
    ///   - resume: keep the full shards of an interrupted run with the same inputs; see `resumedThrough`.
    /// - Throws: `ShardError` when the folder cannot be prepared.
    public init(directory: String, layout: ShardLayout = ShardLayout(), vocabulary: [String], embeddings: [Float],
                specialTokens: ShardManifest.SpecialTokens = .init(), configuration: [String: String] = [:],
                recordsPerShard: Int = ShardWriter.defaultRecordsPerShard, plannedImageIDs: [UInt64]? = nil,
                resume: Bool = false) throws {
        precondition(recordsPerShard > 0, "a shard holds at least one record")
        precondition(embeddings.count == vocabulary.count * layout.embeddingDimension,
                     "embeddings must be vocabulary.count x embeddingDimension")
        if let plan = plannedImageIDs {
            precondition(zip(plan, plan.dropFirst()).allSatisfy { $0 < $1 }, "planned image ids must be strictly ascending")
        }
        self.directory = directory
        self.layout = layout
        self.recordsPerShard = recordsPerShard
        self.vocabulary = vocabulary
        self.embeddings = embeddings
        self.specialTokens = specialTokens
        self.configuration = configuration
        self.plan = plannedImageIDs
        try prepareDirectory(resume: resume)
    }

    /// Adds one image. With a plan, it may come in any order; without, ids must ascend.
    /// - Throws: `ShardError` for a record that does not fit the layout, an id added twice, an
    ///   id not in the plan, or a failed write.
    public func add(_ record: ShardRecord) throws {
        var bytes = [UInt8](repeating: 0, count: layout.recordSize)
        try bytes.withUnsafeMutableBytes { try record.encode(into: $0, layout: layout, vocabularySize: vocabulary.count) }
        try accept(record.imageID, (bytes, record.encodedMetadata()))
    }

    /// Records that a planned image will not be written (its download failed, say), so later
    /// images need not wait for it.
    public func skip(imageID: UInt64) throws {
        try accept(imageID, nil)
    }

    /// Writes the last shard, the embedding table and the manifest.
    /// - Parameters:
    ///   - split: which part of the data this folder holds ("train", "test").
    ///   - inputs: the files the pipeline read, with their checksums (see `InputFile.checksum`).
    ///   - encoders: the encoders that made the captions' encodings.
    /// - Returns: the manifest as written.
    /// - Throws: `ShardError` when planned ids are still outstanding or a write fails.
    @discardableResult
    public func finish(split: String, inputs: [ShardManifest.InputFile] = [],
                       encoders: [ShardManifest.Encoder] = []) throws -> ShardManifest {
        if let plan, planPosition < plan.count {
            throw ShardError(file: directory, "image \(plan[planPosition]) was planned but never added or skipped")
        }
        if let current, current.recordCount > 0 { finished.append(try current.finish()) }
        current = nil
        let table = embeddings.flatMap { value -> [UInt8] in
            let bits = Float16(value).bitPattern
            return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
        }
        try writeAtomically(table, name: Self.embeddingsFileName, in: directory)
        let manifest = ShardManifest(
            format: ShardManifest.formatName, version: Int(ShardHeader.version), split: split, layout: layout,
            recordSize: layout.recordSize, recordCount: finished.reduce(0) { $0 + $1.records }, shards: finished,
            vocabulary: vocabulary, vocabularyCRC32C: ShardManifest.vocabularyChecksum(vocabulary), specialTokens: specialTokens,
            embeddings: .init(file: Self.embeddingsFileName, rows: vocabulary.count, dimension: layout.embeddingDimension,
                              dtype: "float16-le", bytes: table.count, crc32c: CRC32C.checksum(table)),
            inputs: inputs, configuration: configuration,
            configurationCRC32C: ShardManifest.configurationChecksum(configuration), encoders: encoders)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do { json = try encoder.encode(manifest) } catch { throw ShardError(file: ShardManifest.fileName, "cannot encode: \(error)") }
        try writeAtomically(Array(json) + [10], name: ShardManifest.fileName, in: directory)
        try removeRunState()
        return manifest
    }

    private func accept(_ imageID: UInt64, _ entry: (record: [UInt8], metadata: [UInt8])?) throws {
        if let resumedThrough, imageID <= resumedThrough { return }
        guard let plan else {
            if let lastWritten, imageID <= lastWritten {
                throw ShardError(file: directory, "image \(imageID) arrived after image \(lastWritten); without a plan ids must ascend")
            }
            if let entry { try emit(imageID, entry) }
            lastWritten = imageID
            return
        }
        guard plan.sortedContains(imageID) else { throw ShardError(file: directory, "image \(imageID) is not in the plan") }
        let slot = plan.partitioningIndex { $0 >= imageID }
        guard slot >= planPosition, pending.index(forKey: imageID) == nil else {
            throw ShardError(file: directory, "image \(imageID) was added or skipped twice")
        }
        pending[imageID] = .some(entry)
        while planPosition < plan.count, let ready = pending.removeValue(forKey: plan[planPosition]) {
            if let ready { try emit(plan[planPosition], ready) }
            planPosition += 1
        }
    }

    private func emit(_ imageID: UInt64, _ entry: (record: [UInt8], metadata: [UInt8])) throws {
        if current == nil { current = try _ShardFileWriter(index: finished.count, layout: layout, directory: directory) }
        guard let shard = current else { return }
        try entry.record.withUnsafeBytes { try shard.append(record: $0, imageID: imageID, metadata: entry.metadata) }
        if shard.recordCount == recordsPerShard {
            finished.append(try shard.finish())
            current = nil
        }
    }

    static func isShardFileName(_ name: String) -> Bool { name.hasPrefix("shard-") && name.hasSuffix(".t2is") }
}

extension Collection {
    /// The first index whose element satisfies `predicate`, for a predicate that is false then true.
    /// - Complexity: O(log n) for random-access collections.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if predicate(self[middle]) { count = half } else { low = index(after: middle); count -= half + 1 }
        }
        return low
    }

    /// Whether an ascending collection holds `value`.
    /// - Complexity: O(log n) for random-access collections.
    func sortedContains(_ value: Element) -> Bool where Element: Comparable {
        let slot = partitioningIndex { $0 >= value }
        return slot != endIndex && self[slot] == value
    }
}
