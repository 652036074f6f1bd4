import Foundation

/// Preparing the output folder, and picking up after a crash.
///
/// A run writes `.writer-run` (hidden) when it starts: one line naming everything that decides
/// the output bytes. A later run with `resume: true` and the same line keeps the leading full
/// shards that still verify, and carries on after their last image. `finish` removes the file.
extension ShardWriter {
    static let runStateFileName = ".writer-run"

    /// Removes the old manifest first (so no reader trusts the folder while it changes), then
    /// either keeps a resumable prefix of shards or removes them all, then records this run.
    func prepareDirectory(resume: Bool) throws {
        let files = FileManager.default
        do { try files.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ShardError(file: directory, "cannot create folder: \(error.localizedDescription)")
        }
        let manifest = directory + "/" + ShardManifest.fileName
        if files.fileExists(atPath: manifest) {
            try remove(ShardManifest.fileName)
            try syncDirectory(directory)
        }
        let state = "t2i-shards run \(hex(runIdentity()))\n"
        let statePath = directory + "/" + Self.runStateFileName
        let previous = files.contents(atPath: statePath).map { String(decoding: $0, as: UTF8.self) }
        let kept = resume && previous == state ? resumableShards() : []
        if previous != state, previous != nil {
            // The old run asked for something else: forget it before deleting its shards, so a
            // crash in between cannot make them look like this run's.
            try remove(Self.runStateFileName)
            try syncDirectory(directory)
        }
        let keep = Set(kept.map(\.file))
        let names = (try? files.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where (Self.isShardFileName(name) && !keep.contains(name)) || name == Self.embeddingsFileName
            || name.hasSuffix(".partial") {
            try remove(name)
        }
        if previous != state { try writeAtomically(Array(state.utf8), name: Self.runStateFileName, in: directory) }
        guard let last = kept.last?.lastImageID else { return }
        finished = kept
        resumedThrough = last
        lastWritten = last
        if let plan { planPosition = plan.partitioningIndex { $0 > last } }
    }

    func removeRunState() throws {
        try remove(Self.runStateFileName)
        try syncDirectory(directory)
    }

    private func remove(_ name: String) throws {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw ShardError(file: path, "cannot remove: \(error.localizedDescription)")
        }
    }

    /// The leading shards 0, 1, ... that are full, verify completely, and hold planned ids in
    /// ascending order; the first that fails ends the list.
    private func resumableShards() -> [ShardManifest.Shard] {
        var kept: [ShardManifest.Shard] = []
        var previous: UInt64?
        while true {
            let name = Self.shardFileName(kept.count)
            guard let shard = try? ShardFile(path: directory + "/" + name), shard.layout == layout,
                  shard.count == recordsPerShard, shard.header.shardIndex == kept.count,
                  shard.computeBodyChecksum() == shard.header.bodyChecksum else { return kept }
            var ids: [UInt64] = []
            for index in 0..<shard.count {
                let record = ShardRecordView(file: shard, bytes: shard.recordBytes(index))
                let id = record.imageID
                let planned = plan?.sortedContains(id) ?? true
                guard record.checksumProblem == nil, (try? shard.metadataBytes(index)) != nil, planned,
                      previous.map({ id > $0 }) ?? true else { return kept }
                ids.append(id)
                previous = id
            }
            kept.append(.init(file: name, records: shard.count, bytes: shard.header.fileSize, crc32c: shard.header.bodyChecksum,
                              firstImageID: ids.first, lastImageID: ids.last))
        }
    }

    /// CRC32C over everything that decides the output bytes.
    private func runIdentity() -> UInt32 {
        var crc = CRC32C.checksum(Array("\(layout)|\(recordsPerShard)|\(specialTokens)|".utf8))
        crc = CRC32C.checksum(Array(vocabulary.joined(separator: "\n").utf8), continuing: crc)
        crc = embeddings.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        crc = CRC32C.checksum(Array(ShardManifest.configurationLines(configuration).utf8), continuing: crc)
        if let plan { crc = plan.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) } }
        return crc
    }
}
